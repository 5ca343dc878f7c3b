import Foundation

/// Deletes what has expired in the file store: every tenant's files past their expiry
/// (snapshots), unlisted first, then their bytes. Run by each store's hourly maintenance.
public enum FileExpiry {
    /// Files unlisted and deleted in one round at most, per tenant.
    public static let batch = 1_000

    /// Removes every tenant's files that expired before `now` from `store` and `files`; returns how many.
    /// Bytes whose deletion fails are left behind unlisted (and the failure thrown after the rest).
    @discardableResult
    public static func run(store: any FootfallStore, files: any FileStore, now: Date) async throws -> Int {
        var removed = 0
        var failure: (any Error)?
        for tenant in try await store.tenants() {
            for file in try await store.scoped(to: tenant.id).removeExpiredFiles(before: now, limit: batch) {
                do {
                    try await files.delete(key: file.key)
                } catch {
                    failure = error
                }
                removed += 1
            }
        }
        if let failure { throw failure }
        return removed
    }
}
