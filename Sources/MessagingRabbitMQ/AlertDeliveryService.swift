import FootfallSupport
import Foundation
import Logging
import Messaging
import ServiceLifecycle

/// Takes alert changes from `footfall.alerts.webhook` and hands each to the sender (the
/// webhook), acknowledging it only once the sender succeeded. A change the webhook refuses
/// waits in `footfall.alerts.retry` for a growing delay and comes back, up to
/// `maximumAttempts`, then goes to the dead letters with the reason; one that cannot be read
/// goes there at once. A webhook that is down for hours loses nothing: the changes wait on the
/// broker's disk, through restarts of Footfall and of the broker.
public struct AlertDeliveryService: Service {
    public struct Configuration: Sendable {
        public var maximumAttempts: Int
        public var backoff: Backoff
        /// Changes handed to this consumer at once (it sends them one after another).
        public var prefetch: UInt16

        public init(maximumAttempts: Int = 12, backoff: Backoff = Backoff(initial: .seconds(1), maximum: .seconds(300), jitter: .none),
                    prefetch: UInt16 = 16) {
            self.maximumAttempts = maximumAttempts
            self.backoff = backoff
            self.prefetch = prefetch
        }
    }

    private let client: AMQPClient
    private let sender: any AlertSender
    private let topology: FootfallTopology
    private let configuration: Configuration
    private let logger: Logger
    private let clock: AnyClock

    /// - Parameter clock: times the pauses before restarting the consumer; the retry delays are
    ///   message TTLs, timed by RabbitMQ.
    public init(client: AMQPClient, sender: any AlertSender, topology: FootfallTopology = .init(),
                configuration: Configuration = .init(), logger: Logger, clock: any Clock<Duration> = ContinuousClock()) {
        self.client = client
        self.sender = sender
        self.topology = topology
        self.configuration = configuration
        self.logger = logger
        self.clock = AnyClock(clock)
    }

    /// Consumes until shutdown; a consumer the broker ends is started again after a pause.
    public func run() async throws {
        await ConsumerRestarts.run(name: "alert", clock: clock, logger: logger) { try await consume() }
    }

    private func consume() async throws {
        try await client.declare(topology.alertDeclarations)
        let consumer = try await client.consume(queue: topology.alertQueue, prefetch: configuration.prefetch)
        let queue = topology.alertQueue
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await delivery in consumer { await handle(delivery) }
                // Ended by the broker, not by shutdown: start again.
                if !Task.isShuttingDownGracefully && !Task.isCancelled { throw AMQPError.consumerCancelled(queue: queue) }
            }
            group.addTask {
                // Returns at shutdown; unacknowledged changes go back to the queue when the channel closes.
                try? await gracefulShutdown()
            }
            defer { group.cancelAll() }
            try await group.next()
            await consumer.cancel()
        }
    }

    private func handle(_ delivery: AMQPDelivery) async {
        let change: LiveMessage.AlertChange
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            guard case .alert(let decoded) = try decoder.decode(LiveMessage.self, from: Data(delivery.body.readableBytesView)) else {
                await settle(delivery, by: delivery.deadLetterMessage(queue: topology.deadLetterQueue, reason: "not an alert message"))
                return
            }
            change = decoded
        } catch {
            await settle(delivery, by: delivery.deadLetterMessage(queue: topology.deadLetterQueue, reason: "unreadable: \(error)"))
            return
        }
        do {
            try await sender.send(change)
        } catch {
            let attempts = delivery.attempts + 1
            guard attempts < configuration.maximumAttempts else {
                logger.error("alert.delivery_dead_letter", metadata: ["alert.id": "\(change.alert.id)", "error": "\(error)"])
                await settle(delivery, by: delivery.deadLetterMessage(
                    queue: topology.deadLetterQueue, reason: "failed \(attempts) times; last: \(error)"))
                return
            }
            let delay = configuration.backoff.delay(attempt: attempts)
            logger.warning("alert.delivery_failed", metadata: [
                "alert.id": "\(change.alert.id)", "alert.attempts": "\(attempts)", "alert.retry_in_ms": "\(delay.inMilliseconds)",
                "error": "\(error)",
            ])
            await settle(delivery, by: delivery.retryMessage(queue: topology.alertRetryQueue, attempts: attempts, delay: delay))
            return
        }
        do {
            try await delivery.ack()
        } catch {
            // The channel is gone: the broker delivers it again, and the receiver drops the copy by its delivery id.
            logger.warning("alert.ack_failed", metadata: ["error": "\(error)"])
        }
    }

    private func settle(_ delivery: AMQPDelivery, by message: AMQPMessage) async {
        do {
            try await client.settle(delivery, by: message)
        } catch {
            logger.warning("alert.settle_failed", metadata: ["error": "\(error)"])
        }
    }
}
