import Foundation
import Logging
import Storage

extension FootfallApp {
    /// Runs `body` on the configured store (migrated first), for the command line's
    /// administration commands; the store's connections live only meanwhile.
    public static func withStore<T: Sendable>(configuration: FootfallConfiguration, logger: Logger,
                                              _ body: @escaping @Sendable (any FootfallStore) async throws -> T) async throws -> T {
        try await openStore(configuration: configuration, migrate: true, logger: logger, prepare: body).prepared
    }

    /// An audit entry for a change made on the command line.
    public static func commandLineAudit(_ action: String, _ target: String, after: String? = nil) -> AuditEntry {
        AuditEntry(time: Date(), username: "system", action: action, target: target, after: after)
    }
}
