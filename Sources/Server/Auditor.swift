import Foundation
import Storage

/// Makes the audit entry of a change from the request that asks for it: who, when, from where.
struct Auditor {
    let caller: Identity
    let address: String?
    let time: Date

    init(_ context: FootfallRequestContext, time: Date) throws {
        self.caller = try context.caller()
        self.address = context.clientAddress
        self.time = time
    }

    /// An entry for `action` on `target`; `before`/`after` are encoded as JSON (secrets must
    /// already be left out of them).
    func entry(_ action: String, _ target: String, before: (some Encodable)? = Optional<String>.none,
               after: (some Encodable)? = Optional<String>.none) -> AuditEntry {
        AuditEntry(time: time, userID: caller.credential == nil ? nil : caller.user.id, username: caller.user.username,
                   address: address, action: action, target: target, before: before.flatMap(Self.json), after: after.flatMap(Self.json))
    }

    static func json(_ value: some Encodable) -> String? {
        let encoder = JSONResponse.encoder()
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }
}
