import FootfallSupport
import Logging
import ServiceLifecycle

/// Reads how many messages wait in some of Footfall's queues, every `interval` on `clock`, and
/// hands each figure to `record` (queue name, messages) for the metrics: the ingest queue's
/// backlog is how far the ingest consumers are behind, and dead letters need an operator.
/// A queue that cannot be read (the broker is away) is skipped until the next round.
public struct QueueDepthMonitor: Service {
    private let client: AMQPClient
    private let queues: [String]
    private let interval: Duration
    private let clock: AnyClock
    private let logger: Logger
    private let record: @Sendable (_ queue: String, _ messages: Int) -> Void

    public init(client: AMQPClient, queues: [String], interval: Duration = .seconds(15),
                clock: any Clock<Duration> = ContinuousClock(), logger: Logger,
                record: @escaping @Sendable (_ queue: String, _ messages: Int) -> Void) {
        self.client = client
        self.queues = queues
        self.interval = interval
        self.clock = AnyClock(clock)
        self.logger = logger
        self.record = record
    }

    public func run() async throws {
        while !Task.isCancelled {
            for queue in queues {
                do {
                    record(queue, Int(try await client.messageCount(queue: queue)))
                } catch {
                    logger.debug("queue.depth_unavailable", metadata: ["amqp.queue": "\(queue)", "error": "\(error)"])
                }
            }
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
