import Foundation
import Storage

extension APIModels {
    /// Everything Footfall keeps about a user: the account, their sessions and tokens (never a
    /// secret), and the audit entries of what they did and what was done to their account.
    struct UserExport: Encodable {
        var user: UserItem
        var sessions: Int
        var tokens: [TokenItem]
        var audit: [AuditItem]
        var exported: Date
    }

    /// What erasing a user changed.
    struct UserErased: Encodable {
        var pseudonym: String
        var revoked: Int
        var auditEntries: Int
        var alerts: Int
    }
}
