import FootfallSupport
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Storage

/// Delivers the crossing spools that no live run holds — left by runs that ended with
/// crossings undelivered (the broker and the store out of reach, the lease lost) or by
/// processes that died — then removes them. Every `interval` on `clock` it looks through every
/// process's and tenant's directory under `root` (`<root>/<process>/<tenant id>/`), claims each
/// file it can lock (a live run holds its own), and delivers it through that tenant's sink; a
/// file that cannot be delivered now is tried again next round.
public struct SpoolDrainService: Service {
    private let root: String
    private let sink: @Sendable (UUID) -> any CrossingSink
    private let interval: Duration
    private let clock: AnyClock
    private let logger: Logger

    /// - Parameter sink: where a tenant's crossings go.
    public init(root: String, interval: Duration = .seconds(30), clock: any Clock<Duration> = ContinuousClock(),
                logger: Logger, sink: @escaping @Sendable (UUID) -> any CrossingSink) {
        self.root = root
        self.sink = sink
        self.interval = interval
        self.clock = AnyClock(clock)
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled {
            _ = await deliver()
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                // Shutting down: what is left stays on disk for the next start.
                return
            }
        }
    }

    /// One round: delivers every file it can claim and removes it; returns how many crossings
    /// it delivered.
    public func deliver() async -> Int {
        var delivered = 0
        for (tenant, directory) in tenantDirectories() {
            for file in CrossingSpool.files(in: directory) {
                guard let claim = CrossingSpool.Claim(path: file) else { continue }
                let crossings: [CrossingRecord]
                do {
                    crossings = try claim.read()
                } catch {
                    logger.error("spool.unreadable", metadata: ["spool.file": "\(file)", "error": "\(error)"])
                    claim.release(removing: false)
                    continue
                }
                do {
                    if !crossings.isEmpty { try await sink(tenant).deliver(crossings) }
                    delivered += crossings.count
                    if !crossings.isEmpty {
                        logger.info("spool.delivered", metadata: ["spool.file": "\(file)", "spool.crossings": "\(crossings.count)"])
                    }
                    claim.release(removing: true)
                } catch let error as StorageError where error.isInvalidInput {
                    // The camera was deleted, say: no retry can store these.
                    logger.error("spool.refused", metadata: ["spool.file": "\(file)", "error": "\(error)"])
                    claim.release(removing: true)
                } catch {
                    logger.warning("spool.deliver_failed", metadata: ["spool.file": "\(file)", "error": "\(error)"])
                    claim.release(removing: false)
                }
            }
        }
        return delivered
    }

    /// `<root>/<process>/<tenant id>` for every process and tenant.
    private func tenantDirectories() -> [(UUID, String)] {
        let manager = FileManager.default
        var found: [(UUID, String)] = []
        for process in ((try? manager.contentsOfDirectory(atPath: root)) ?? []).sorted() {
            let processPath = (root as NSString).appendingPathComponent(process)
            for tenant in ((try? manager.contentsOfDirectory(atPath: processPath)) ?? []).sorted() {
                guard let id = UUID(uuidString: tenant) else { continue }
                found.append((id, (processPath as NSString).appendingPathComponent(tenant)))
            }
        }
        return found
    }
}
