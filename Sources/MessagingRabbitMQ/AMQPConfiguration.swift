/// Where and how the Footfall client reaches RabbitMQ.
///
/// `description` never shows the password.
public struct AMQPConfiguration: Sendable, CustomStringConvertible {
    /// Broker host name or address.
    public var host: String
    /// Broker port (5672 by default).
    public var port: Int
    /// User name for PLAIN authentication.
    public var user: String
    /// Password for PLAIN authentication; never logged.
    public var password: String
    /// Virtual host, already percent-decoded ("/" is the default vhost).
    public var virtualHost: String
    /// Requested heartbeat interval in seconds; 0 accepts the broker's proposal. The lower non-zero value wins.
    /// Short by default: the broker closes the connection of a process that froze after two
    /// missed heartbeats, and only then hands its queues' single active consumer to the worker
    /// that took its cameras.
    public var heartbeat: UInt16
    /// Largest frame the client accepts, in bytes (the lower of this and the broker's limit is used).
    public var frameMax: UInt32
    /// Time allowed for the TCP connect plus the AMQP handshake.
    public var connectTimeout: Duration
    /// How long `publish`, `declare`, `get` and the other operations wait for a connection while the client is
    /// disconnected before failing with `AMQPError.notConnected`; `.zero` fails at once.
    public var connectionWaitTimeout: Duration
    /// First delay before reconnecting; doubled after every failed attempt.
    public var reconnectInitialDelay: Duration
    /// Upper bound of the reconnect delay: small, so that a broker back from a restart is
    /// reached within a second (an attempt at a closed port costs next to nothing).
    public var reconnectMaxDelay: Duration
    /// Name shown for the connection in the RabbitMQ management UI.
    public var connectionName: String
    /// TLS (`amqps://`); the broker's certificate is always verified.
    public var tls: TLS?

    /// TLS settings for `amqps://`.
    public struct TLS: Sendable, Hashable {
        /// A PEM file of certificate authorities to trust instead of the system roots
        /// (`?cacertfile=` in the URL, as RabbitMQ's URI specification spells it).
        public var caFile: String?
        public init(caFile: String? = nil) { self.caFile = caFile }
    }

    /// Creates a configuration from its parts.
    public init(host: String = "127.0.0.1", port: Int = 5672, user: String = "guest", password: String = "guest",
                virtualHost: String = "/", heartbeat: UInt16 = 2, frameMax: UInt32 = 131_072,
                connectTimeout: Duration = .seconds(10), connectionWaitTimeout: Duration = .seconds(5),
                reconnectInitialDelay: Duration = .milliseconds(100), reconnectMaxDelay: Duration = .seconds(1),
                connectionName: String = "footfall") {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.virtualHost = virtualHost
        self.heartbeat = heartbeat
        self.frameMax = frameMax
        self.connectTimeout = connectTimeout
        self.connectionWaitTimeout = connectionWaitTimeout
        self.reconnectInitialDelay = reconnectInitialDelay
        self.reconnectMaxDelay = reconnectMaxDelay
        self.connectionName = connectionName
    }

    /// Parses `amqp://user:pass@host:port/vhost`, or `amqps://…?cacertfile=PEM` for TLS. Missing parts take
    /// RabbitMQ's defaults (guest/guest, port 5672, or 5671 with TLS, vhost "/"); user, password and vhost are
    /// percent-decoded, so `%2F` is the vhost "/".
    /// Throws `AMQPError.badURL` naming the field that is wrong.
    public init(url: String) throws {
        self.init()
        guard let schemeEnd = url.range(of: "://") else {
            throw AMQPError.badURL(field: "scheme", reason: "is missing; expected amqp://")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "amqp" || scheme == "amqps" else {
            throw AMQPError.badURL(field: "scheme", reason: "'\(scheme)' is not supported; expected amqp or amqps")
        }
        if scheme == "amqps" {
            tls = TLS()
            port = 5671
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        // The query may come without a path (`amqps://host?cacertfile=/etc/ca.pem`); its slashes are not the path's.
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring?
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = try Self.percentDecode(credentials[..<colon], field: "user")
                password = try Self.percentDecode(credentials[credentials.index(after: colon)...], field: "password")
            } else {
                user = try Self.percentDecode(credentials, field: "user")
            }
        }
        var hostPart = rest
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else {
                throw AMQPError.badURL(field: "host", reason: "has an unclosed '['")
            }
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            hostPart = hostPart[hostPart.index(after: close)...]
            if hostPart.hasPrefix(":") {
                port = try Self.parsePort(hostPart.dropFirst())
            } else if !hostPart.isEmpty {
                throw AMQPError.badURL(field: "host", reason: "has trailing characters")
            }
        } else if let colon = hostPart.lastIndex(of: ":") {
            host = String(hostPart[..<colon])
            port = try Self.parsePort(hostPart[hostPart.index(after: colon)...])
        } else {
            host = String(hostPart)
        }
        guard !host.isEmpty else { throw AMQPError.badURL(field: "host", reason: "is empty") }
        for item in query?.split(separator: "&") ?? [] {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.first == "cacertfile" else { continue }
            guard tls != nil else { throw AMQPError.badURL(field: "cacertfile", reason: "only applies to amqps:// URLs") }
            tls?.caFile = try Self.percentDecode(pair.count == 2 ? pair[1] : "", field: "cacertfile")
        }
        if let path {
            let vhostPart = path
            // An empty path is the default vhost; RabbitMQ spells the default vhost "/" as %2F.
            virtualHost = vhostPart.isEmpty ? "/" : try Self.percentDecode(vhostPart, field: "vhost")
        }
    }

    /// The configuration with the password replaced by `***`.
    public var description: String {
        "\(tls == nil ? "amqp" : "amqps")://\(user):***@\(host):\(port)/\(virtualHost == "/" ? "%2F" : virtualHost) heartbeat=\(heartbeat)s frameMax=\(frameMax)"
    }

    private static func parsePort(_ text: Substring) throws -> Int {
        guard let value = Int(text), (1...65_535).contains(value) else {
            throw AMQPError.badURL(field: "port", reason: "'\(text)' is not a port number")
        }
        return value
    }

    private static func percentDecode(_ text: Substring, field: String) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else {
                    // The field name only: the text may be a password.
                    throw AMQPError.badURL(field: field, reason: "has an invalid percent escape")
                }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
