import Foundation

/// Proof of a signed-in user: a dashboard session or a named API token for a machine. Only the
/// SHA-256 of its secret is stored; the secret is shown once, when it is made.
public struct Credential: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case session
        case apiToken = "api-token"
    }

    public var id: UUID
    public var tenantID: UUID
    public var userID: UUID
    public var kind: Kind
    /// A token's name ("door-camera-3"); nil for sessions.
    public var name: String?
    /// SHA-256 of the secret.
    public var tokenHash: [UInt8]
    public var created: Date
    /// When it stops working; nil for a token that lasts until revoked.
    public var expires: Date?
    /// For an API token given to a smart camera: the one camera whose detections it may push,
    /// and nothing else. Nil for every other credential.
    public var cameraID: String?

    public init(id: UUID = UUID(), tenantID: UUID, userID: UUID, kind: Kind, name: String? = nil, tokenHash: [UInt8],
                created: Date, expires: Date?, cameraID: String? = nil) {
        self.cameraID = cameraID
        self.id = id
        self.tenantID = tenantID
        self.userID = userID
        self.kind = kind
        self.name = name
        self.tokenHash = tokenHash
        self.created = created
        self.expires = expires
    }

    /// Whether it still works at `now`.
    public func isValid(at now: Date) -> Bool {
        expires.map { now < $0 } ?? true
    }

    /// Checks the fields; the error names the first bad one.
    public func validate() throws(StorageError) {
        if tokenHash.count != 32 {
            throw .invalidInput(field: "credential.tokenHash", reason: "must be a SHA-256 digest (32 bytes)")
        }
        if let name { try Validation.name(name, field: "credential.name") }
        if let cameraID {
            try Validation.identifier(cameraID, field: "credential.cameraID")
            if kind != .apiToken { throw .invalidInput(field: "credential.cameraID", reason: "only an API token can be a camera's") }
        }
    }
}
