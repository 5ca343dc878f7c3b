import Foundation

/// What erasing a user changed (`UserStore.eraseUser`).
public struct UserErasure: Hashable, Sendable {
    /// What stands where their name was, `erased-…`.
    public var pseudonym: String
    /// The hashes of the sessions and tokens revoked, so that caches can forget them.
    public var revokedTokenHashes: [[UInt8]]
    /// Audit entries whose name, target or before and after now hold the pseudonym.
    public var auditEntries: Int
    /// Alerts whose acknowledgement now names the pseudonym.
    public var alerts: Int

    public init(pseudonym: String, revokedTokenHashes: [[UInt8]], auditEntries: Int, alerts: Int) {
        self.pseudonym = pseudonym
        self.revokedTokenHashes = revokedTokenHashes
        self.auditEntries = auditEntries
        self.alerts = alerts
    }

    /// A new pseudonym: `erased-` and 12 random hex digits.
    public static func newPseudonym() -> String {
        "erased-" + (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// `erased-` and 1 to 32 of a–z and 0–9; `invalidInput` naming `pseudonym` otherwise.
    public static func validate(pseudonym: String) throws(StorageError) {
        let body = pseudonym.dropFirst("erased-".count)
        guard pseudonym.hasPrefix("erased-"), (1...32).contains(body.count),
              body.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        else { throw .invalidInput(field: "pseudonym", reason: "use erased- and 1 to 32 of a-z and 0-9") }
    }

    /// `"user:<name>"` becomes `"user:<pseudonym>"`, and `"username":"<name>"` in the before
    /// and after texts `"username":"<pseudonym>"` (only that key: the name may also be a role or
    /// anything else's value).
    public static func pseudonymised(_ entry: AuditEntry, name: String, pseudonym: String) -> AuditEntry {
        var entry = entry
        if entry.username == name { entry.username = pseudonym }
        if entry.target == "user:" + name { entry.target = "user:" + pseudonym }
        let (field, replacement) = usernameFields(name: name, pseudonym: pseudonym)
        entry.before = entry.before?.replacingOccurrences(of: field, with: replacement)
        entry.after = entry.after?.replacingOccurrences(of: field, with: replacement)
        return entry
    }

    /// The JSON text `"username":"<name>"`, and what replaces it.
    public static func usernameFields(name: String, pseudonym: String) -> (String, String) {
        ("\"username\":\"\(name)\"", "\"username\":\"\(pseudonym)\"")
    }
}
