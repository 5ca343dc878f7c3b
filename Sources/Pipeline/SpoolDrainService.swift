import FootfallSupport
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Storage

/// Delivers the crossing spools that earlier processes on this machine left behind (killed, or
/// stopped while the broker and the store were out of reach), then removes them. Retries with
/// growing delays on `clock` until each is delivered or the process shuts down.
///
/// The files are chosen when it is made, before any pipeline starts, so it never touches the
/// spool of a run that is still counting.
public struct SpoolDrainService: Service {
    private let files: [String]
    private let sink: any CrossingSink
    private let clock: AnyClock
    private let backoff = Backoff(initial: .seconds(1), maximum: .seconds(60))
    private let logger: Logger

    /// Takes the spool files now in `directory`.
    public init(directory: String, sink: any CrossingSink, clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.files = CrossingSpool.files(in: directory)
        self.sink = sink
        self.clock = AnyClock(clock)
        self.logger = logger
    }

    /// The spool files it will deliver.
    public var pending: [String] { files }

    /// Delivers, then waits for shutdown: a service that ends would end the whole group.
    public func run() async throws {
        await deliver()
        try await gracefulShutdown()
    }

    /// Delivers every file and removes it; returns when all are done, or at shutdown.
    public func deliver() async {
        for file in files {
            guard let crossings = read(file) else { continue }
            var attempt = 0
            while !crossings.isEmpty {
                do {
                    try await sink.deliver(crossings)
                    logger.info("spool.delivered", metadata: ["spool.file": "\(file)", "spool.crossings": "\(crossings.count)"])
                    break
                } catch let error as StorageError where error.isInvalidInput {
                    // The camera was deleted, say: no retry can store these.
                    logger.error("spool.refused", metadata: ["spool.file": "\(file)", "error": "\(error)"])
                    break
                } catch {
                    attempt += 1
                    logger.warning("spool.deliver_failed", metadata: ["spool.file": "\(file)", "error": "\(error)"])
                    let delay = backoff.delay(attempt: attempt)
                    do {
                        try await cancelWhenGracefulShutdown { try await clock.sleep(for: delay) }
                    } catch {
                        // Shutting down: what is left stays on disk for the next start.
                        return
                    }
                }
            }
            try? FileManager.default.removeItem(atPath: file)
        }
    }

    private func read(_ file: String) -> [CrossingRecord]? {
        do {
            return try CrossingSpool.read(file)
        } catch {
            logger.error("spool.unreadable", metadata: ["spool.file": "\(file)", "error": "\(error)"])
            return nil
        }
    }
}
