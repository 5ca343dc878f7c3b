import Foundation
import FootfallSupport
import Logging
import ServiceLifecycle
import Storage

/// Keeps the PostgreSQL store in shape while Footfall runs: creates next months' partitions,
/// refreshes the rollups of the last two days (folding in late results), and drops the
/// partitions past retention, each archived to `archive` first when one is given. Runs at
/// start and then every `interval`.
public struct PostgresMaintenanceService: Service {
    public let store: PostgresStore
    public var interval: Duration
    public var retention: Retention
    /// Where expired partitions are archived before they are dropped; nil drops them unarchived.
    public var archive: (any FileStore)?
    private let logger: Logger
    private let clock: @Sendable () -> Date

    public init(store: PostgresStore, interval: Duration = .seconds(3_600), retention: Retention = .init(),
                archive: (any FileStore)? = nil, logger: Logger, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.interval = interval
        self.retention = retention
        self.archive = archive
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        await runRounds(every: interval, clock: ContinuousClock()) { await runOnce() }
    }

    /// One round of maintenance; failures are logged and tried again next round.
    public func runOnce() async {
        let now = clock()
        do {
            try await store.createPartitionsAhead(now: now)
            try await store.refreshRollupsOfEveryTenant(from: now.addingTimeInterval(-2 * 86_400), to: now)
            let dropped = try await store.dropExpiredPartitions(now: now, retention: retention, archive: archive)
            logger.info("storage.maintenance_done", metadata: ["partitions.dropped": "\(dropped.count)"])
        } catch {
            logger.error("storage.maintenance_failed", metadata: ["error": "\(error)"])
        }
        guard let archive else { return }
        do {
            let removed = try await FileExpiry.run(store: store, files: archive, now: now)
            if removed > 0 { logger.info("storage.files_expired", metadata: ["files": "\(removed)"]) }
        } catch {
            logger.error("storage.file_expiry_failed", metadata: ["error": "\(error)"])
        }
    }
}
