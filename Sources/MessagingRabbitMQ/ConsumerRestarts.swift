import FootfallSupport
import Logging
import ServiceLifecycle

/// Keeps a consumer going until shutdown: one the broker ends (its queue deleted, its channel
/// closed) or whose topology cannot be declared yet (the broker still starting) is started
/// again after a growing pause, so it never stops silently.
enum ConsumerRestarts {
    /// Pauses before the consumer is started again.
    static let backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(30), jitter: .none)

    /// Runs `consume` until it returns, shutdown begins or the task is cancelled; each failure
    /// is logged as `<name>.consumer_failed`.
    static func run(name: String, clock: AnyClock, logger: Logger, _ consume: () async throws -> Void) async {
        var attempt = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await consume()
                return
            } catch is CancellationError {
                return
            } catch {
                attempt += 1
                let delay = backoff.delay(attempt: attempt)
                logger.error("\(name).consumer_failed", metadata: ["error": "\(error)", "\(name).retry_in_ms": "\(delay.inMilliseconds)"])
                do {
                    try await cancelWhenGracefulShutdown { try await clock.sleep(for: delay) }
                } catch {
                    return
                }
            }
        }
    }
}
