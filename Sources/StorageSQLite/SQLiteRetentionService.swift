import FootfallSupport
import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Keeps the embedded database to its retention while `serve` runs: every `interval` (and at
/// start) it archives whole months past retention to the file store and deletes them
/// (`SQLiteStore.archiveExpiredMonths`). Failures are logged and tried again next round.
public struct SQLiteRetentionService: Service {
    private let store: SQLiteStore
    private let retention: Retention
    private let archive: any FileStore
    private let interval: Duration
    private let clock: AnyClock
    private let wallClock: @Sendable () -> Date
    private let logger: Logger

    public init(store: SQLiteStore, retention: Retention = .init(), archive: any FileStore, interval: Duration = .seconds(3_600),
                clock: any Clock<Duration> = ContinuousClock(), wallClock: @escaping @Sendable () -> Date = Date.init, logger: Logger) {
        self.store = store
        self.retention = retention
        self.archive = archive
        self.interval = interval
        self.clock = AnyClock(clock)
        self.wallClock = wallClock
        self.logger = logger
    }

    public func run() async throws {
        await runRounds(every: interval, clock: clock) { await runOnce() }
    }

    /// One round: archives and deletes what is past retention.
    public func runOnce() async {
        do {
            let archived = try await store.archiveExpiredMonths(now: wallClock(), retention: retention, to: archive)
            if !archived.isEmpty {
                logger.info("storage.months_archived", metadata: [
                    "archive.files": "\(archived.count)", "archive.rows": "\(archived.map(\.rows).reduce(0, +))",
                ])
            }
        } catch {
            logger.error("storage.retention_failed", metadata: ["error": "\(error)"])
        }
        do {
            let removed = try await FileExpiry.run(store: store, files: archive, now: wallClock())
            if removed > 0 { logger.info("storage.files_expired", metadata: ["files": "\(removed)"]) }
        } catch {
            logger.error("storage.file_expiry_failed", metadata: ["error": "\(error)"])
        }
    }
}
