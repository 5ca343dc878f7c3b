import Foundation

/// How to reach Redis: parsed from `redis://[[username]:password@]host[:port][/db][?options]`
/// (`rediss://` for TLS).
///
/// Query options: `protocol` (`2` or `3`, default `2`), `connect_timeout` and `command_timeout`
/// (seconds, decimals allowed; defaults 5 and 10), `pool_size` (default 8) and, for `rediss://`,
/// `ca_file` (a PEM file of trusted certificates; the system roots otherwise) and `client_name`
/// (shown by `CLIENT LIST`).
public struct RedisConfiguration: Sendable, CustomStringConvertible {
    /// The protocol version a connection speaks.
    public enum ProtocolVersion: Int, Sendable {
        /// RESP2 (no HELLO is sent).
        case resp2 = 2
        /// RESP3 (negotiated with `HELLO 3`).
        case resp3 = 3
    }

    /// TLS settings for `rediss://`; certificates are always verified.
    public struct TLS: Sendable, Hashable {
        /// A PEM file of certificate authorities to trust instead of the system roots.
        public var caFile: String?
        /// Creates TLS settings.
        public init(caFile: String? = nil) { self.caFile = caFile }
    }

    /// The server's host name or IP address.
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// The ACL user; `nil` authenticates as `default` when a password is set.
    public var username: String?
    /// Never logged nor shown in ``description``.
    public var password: String?
    /// The logical database selected on connect.
    public var database: Int
    /// TLS settings; `nil` for a plain connection.
    public var tls: TLS?
    /// RESP2 or RESP3.
    public var protocolVersion: ProtocolVersion
    /// How long to wait for the TCP connection to open.
    public var connectTimeout: Duration
    /// How long to wait for each reply before failing the command and closing its connection.
    public var commandTimeout: Duration
    /// The most connections ``RedisClient`` keeps open.
    public var poolSize: Int
    /// A name set with `CLIENT SETNAME` on connect, to tell Footfall's connections apart in `CLIENT LIST`.
    public var clientName: String?

    /// Creates a configuration from its parts.
    public init(host: String = "127.0.0.1", port: Int = 6379, username: String? = nil, password: String? = nil,
                database: Int = 0, tls: TLS? = nil, protocolVersion: ProtocolVersion = .resp2,
                connectTimeout: Duration = .seconds(5), commandTimeout: Duration = .seconds(10), poolSize: Int = 8,
                clientName: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.protocolVersion = protocolVersion
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.poolSize = poolSize
        self.clientName = clientName
    }

    /// Parses a `redis://` or `rediss://` URL; a bad URL throws ``RedisError/invalidConfiguration(field:reason:)``
    /// naming the part at fault.
    public init(url: String) throws(RedisError) {
        guard let components = URLComponents(string: url) else {
            throw .invalidConfiguration(field: "url", reason: "not a URL; expected redis://[[user]:password@]host[:port][/db]")
        }
        let scheme = components.scheme?.lowercased()
        guard scheme == "redis" || scheme == "rediss" else {
            throw .invalidConfiguration(field: "scheme", reason: "must be redis or rediss")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidConfiguration(field: "host", reason: "the URL names no host")
        }
        // URLComponents yields nil for an out-of-range or non-numeric port only sometimes, so check the text too.
        if let port = components.port, !(1...65_535).contains(port) {
            throw .invalidConfiguration(field: "port", reason: "must be between 1 and 65535")
        }
        if components.port == nil, let range = components.rangeOfPort, !url[range].isEmpty {
            throw .invalidConfiguration(field: "port", reason: "must be a number")
        }
        self.init(host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host,
                  port: components.port ?? 6379)
        let user = components.user.flatMap { $0.removingPercentEncoding ?? $0 }
        self.username = (user?.isEmpty ?? true) ? nil : user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        if username != nil && password == nil {
            throw .invalidConfiguration(field: "password", reason: "a username needs a password")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        if !path.isEmpty {
            guard let database = Int(path), database >= 0 else {
                throw .invalidConfiguration(field: "database", reason: "the path must be a database number such as /0")
            }
            self.database = database
        }
        var caFile: String?
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "protocol":
                guard let version = Int(value).flatMap(ProtocolVersion.init(rawValue:)) else {
                    throw .invalidConfiguration(field: "protocol", reason: "must be 2 or 3")
                }
                protocolVersion = version
            case "connect_timeout":
                connectTimeout = try Self.seconds(value, field: "connect_timeout")
            case "command_timeout":
                commandTimeout = try Self.seconds(value, field: "command_timeout")
            case "pool_size":
                guard let size = Int(value), size > 0 else {
                    throw .invalidConfiguration(field: "pool_size", reason: "must be a positive whole number")
                }
                poolSize = size
            case "client_name":
                guard !value.isEmpty, !value.contains(where: { $0 == " " || $0.isNewline }) else {
                    throw .invalidConfiguration(field: "client_name", reason: "must be a word without spaces")
                }
                clientName = value
            case "ca_file":
                guard !value.isEmpty else { throw .invalidConfiguration(field: "ca_file", reason: "must be a file path") }
                caFile = value
            default:
                throw .invalidConfiguration(field: item.name, reason: "unknown option")
            }
        }
        if scheme == "rediss" {
            tls = TLS(caFile: caFile)
        } else if caFile != nil {
            throw .invalidConfiguration(field: "ca_file", reason: "only applies to rediss:// URLs")
        }
    }

    /// The configuration as a URL with the password replaced by `***`.
    public var description: String {
        let credentials = switch (username, password) {
        case (let user?, _?): "\(user):***@"
        case (nil, _?): ":***@"
        default: ""
        }
        return "\(tls == nil ? "redis" : "rediss")://\(credentials)\(host):\(port)/\(database)"
            + "?protocol=\(protocolVersion.rawValue)&pool_size=\(poolSize)"
    }

    private static func seconds(_ text: String, field: String) throws(RedisError) -> Duration {
        guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
            throw .invalidConfiguration(field: field, reason: "must be a positive number of seconds")
        }
        return .milliseconds(Int64((seconds * 1_000).rounded()))
    }
}
