import Foundation
import Storage

/// How to reach PostgreSQL: parsed from a `postgres://user:password@host:port/database?…` URL.
///
/// Query options: `sslmode` (`disable`, `prefer`, `require`; default `prefer`),
/// `statement_timeout` (milliseconds, default 10000), `connect_timeout` (seconds, default 5),
/// `connections` (pool size, default 10).
public struct PostgresStoreConfiguration: Sendable {
    public enum TLSMode: String, Sendable {
        case disable
        case prefer
        case require
    }

    public var host: String
    public var port: Int
    public var username: String
    /// Never logged.
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode
    /// The certificate authorities (PEM) that may sign the server's certificate, from
    /// `sslrootcert=`; nil trusts the system's. The certificate and host name are always checked.
    public var caFile: String?
    public var statementTimeoutMilliseconds: Int
    /// How long to wait for a connection before giving up on an operation.
    public var connectTimeout: Duration
    public var maximumConnections: Int
    /// The tenant this store reads and writes; row-level security enforces it in the database.
    public var tenantID: UUID
    /// 32-byte AES-GCM key for camera stream URLs (which may hold credentials).
    public var secretKey: [UInt8]
    /// Keys used before `secretKey`, still accepted for reading until `resealCameraSources()`
    /// has sealed everything with `secretKey` again.
    public var previousSecretKeys: [[UInt8]]

    /// The tenant that a single-organisation installation uses.
    public static let defaultTenantID = Tenant.defaultID

    public init(url: String, secretKey: [UInt8], previousSecretKeys: [[UInt8]] = [],
                tenantID: UUID = Self.defaultTenantID) throws(StorageError) {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw .invalidInput(field: "database-url", reason: "expected postgres://user:password@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidInput(field: "database-url", reason: "the URL names no host")
        }
        guard secretKey.count == 32 else {
            throw .invalidInput(field: "secret-key", reason: "must be 32 bytes (44 characters of base64)")
        }
        guard previousSecretKeys.allSatisfy({ $0.count == 32 }) else {
            throw .invalidInput(field: "previous-secret-keys", reason: "each must be 32 bytes (44 characters of base64)")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.user ?? "postgres"
        self.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? username : path
        self.tenantID = tenantID
        self.secretKey = secretKey
        self.previousSecretKeys = previousSecretKeys
        var tls = TLSMode.prefer
        var caFile: String?
        var timeout = 10_000
        var connections = 10
        var connect = 5
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw .invalidInput(field: "database-url.sslmode", reason: "use disable, prefer or require")
                }
                tls = mode
            case "sslrootcert":
                guard let path = item.value, FileManager.default.isReadableFile(atPath: path) else {
                    throw .invalidInput(field: "database-url.sslrootcert", reason: "a readable PEM file of certificate authorities")
                }
                caFile = path
            case "statement_timeout":
                guard let value = item.value.flatMap(Int.init), value > 0 else {
                    throw .invalidInput(field: "database-url.statement_timeout", reason: "milliseconds, more than 0")
                }
                timeout = value
            case "connect_timeout":
                guard let value = item.value.flatMap(Int.init), (1...600).contains(value) else {
                    throw .invalidInput(field: "database-url.connect_timeout", reason: "seconds, from 1 to 600")
                }
                connect = value
            case "connections":
                guard let value = item.value.flatMap(Int.init), (1...500).contains(value) else {
                    throw .invalidInput(field: "database-url.connections", reason: "from 1 to 500")
                }
                connections = value
            default:
                throw .invalidInput(field: "database-url", reason: "unknown option \"\(item.name)\"")
            }
        }
        if caFile != nil && tls == .disable {
            throw .invalidInput(field: "database-url.sslrootcert", reason: "needs sslmode=prefer or require")
        }
        self.tlsMode = tls
        self.caFile = caFile
        self.statementTimeoutMilliseconds = timeout
        self.maximumConnections = connections
        self.connectTimeout = .seconds(connect)
    }

    /// The URL with the password replaced, for logs.
    public var redactedDescription: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }
}
