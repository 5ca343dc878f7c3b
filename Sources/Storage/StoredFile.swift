import Foundation

/// A file kept in the file store (a report, an export, a snapshot, an archive), as listed in
/// the `files` table: what it is, whose, and a checksum of its bytes.
public struct StoredFile: Hashable, Sendable {
    /// What a file is; its use decides who makes and removes it.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case snapshot, export, archive, model, report
    }

    public var id: UUID
    public var kind: Kind
    /// Where the bytes are in the file store; one file per key in the whole installation.
    public var key: String
    /// The name a download is saved under.
    public var name: String
    public var contentType: String
    public var size: Int
    public var sha256: [UInt8]
    /// `sha256` in lower-case hex, as the API and the command line show it.
    public var sha256Hex: String { sha256.map { String(format: "%02x", $0) }.joined() }
    /// The site the file is about, if any: callers limited to some sites see only theirs.
    public var siteID: String?
    public var created: Date
    /// When the file may be removed; nil to keep it.
    public var expires: Date?

    public init(id: UUID = UUID(), kind: Kind, key: String, name: String, contentType: String, size: Int, sha256: [UInt8],
                siteID: String? = nil, created: Date, expires: Date? = nil) {
        self.id = id
        self.kind = kind
        self.key = key
        self.name = name
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.siteID = siteID
        self.created = created
        self.expires = expires
    }

    /// Checks the fields; the error names the first bad one.
    public func validate() throws(StorageError) {
        try Self.validate(key: key)
        try Validation.name(name, field: "file.name")
        if contentType.isEmpty || contentType.count > 200 {
            throw .invalidInput(field: "file.contentType", reason: "must have 1 to 200 characters")
        }
        if size < 0 { throw .invalidInput(field: "file.size", reason: "cannot be negative") }
        if sha256.count != 32 { throw .invalidInput(field: "file.sha256", reason: "must be 32 bytes") }
    }

    /// A key is 1 to 500 characters of letters, digits, `-`, `_`, `.` and `/`, with no empty,
    /// `.` or `..` part: the same key is a safe path under a directory and a safe S3 object key.
    public static func validate(key: String) throws(StorageError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...500).contains(key.count), key.allSatisfy(allowed.contains),
              parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else {
            throw .invalidInput(field: "file.key", reason: "use 1 to 500 letters, digits, '-', '_', '.' or '/', with no empty, '.' or '..' part")
        }
    }
}
