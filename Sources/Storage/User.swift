import Foundation

/// Someone who signs in, with a role in one tenant and optionally only some of its sites.
public struct User: Hashable, Sendable {
    public var id: UUID
    public var tenantID: UUID
    /// Unique in the whole installation, so that signing in needs no tenant.
    public var username: String
    /// A bcrypt hash; the password itself is never stored.
    public var passwordHash: String
    public var role: Role
    /// The sites this user may see and manage; empty means every site of the tenant.
    public var sites: [String]
    public var created: Date

    public init(id: UUID = UUID(), tenantID: UUID, username: String, passwordHash: String, role: Role,
                sites: [String] = [], created: Date) {
        self.id = id
        self.tenantID = tenantID
        self.username = username
        self.passwordHash = passwordHash
        self.role = role
        self.sites = sites
        self.created = created
    }

    /// Checks the fields; the error names the first bad one.
    public func validate() throws(StorageError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@")
        if username.isEmpty || username.count > 64 || !username.allSatisfy(allowed.contains) {
            throw .invalidInput(field: "user.username", reason: "use 1 to 64 letters, digits, '-', '_', '.' or '@'")
        }
        if passwordHash.isEmpty || passwordHash.count > 200 {
            throw .invalidInput(field: "user.passwordHash", reason: "a password hash is required")
        }
        for (i, site) in sites.enumerated() { try Validation.identifier(site, field: "user.sites[\(i)]") }
    }

    /// Whether the user may see cameras of `site` (nil: a camera with no site, which only
    /// users granted every site see).
    public func maySee(site: String?) -> Bool {
        sites.isEmpty || site.map(sites.contains) == true
    }
}
