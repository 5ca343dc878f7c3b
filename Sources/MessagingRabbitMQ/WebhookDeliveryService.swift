import FootfallSupport
import Foundation
import Logging
import Messaging
import ServiceLifecycle

/// Takes webhook events (alert changes, reports made) from `footfall.alerts.webhook` and hands
/// each to the sender (the webhook), acknowledging it only once the sender succeeded. An event the webhook refuses
/// waits in `footfall.alerts.retry` for a growing delay and comes back, up to
/// `maximumAttempts`, then goes to the dead letters with the reason; one that cannot be read
/// goes there at once. A webhook that is down for hours loses nothing: the events wait on the
/// broker's disk, through restarts of Footfall and of the broker.
public struct WebhookDeliveryService: Service {
    public struct Configuration: Sendable {
        public var maximumAttempts: Int
        public var backoff: Backoff
        /// Events handed to this consumer at once (it sends them one after another).
        public var prefetch: UInt16

        public init(maximumAttempts: Int = 12, backoff: Backoff = Backoff(initial: .seconds(1), maximum: .seconds(300), jitter: .none),
                    prefetch: UInt16 = 16) {
            self.maximumAttempts = maximumAttempts
            self.backoff = backoff
            self.prefetch = prefetch
        }
    }

    private let client: AMQPClient
    private let sender: any WebhookSender
    private let topology: FootfallTopology
    private let configuration: Configuration
    private let logger: Logger
    private let clock: AnyClock

    /// - Parameter clock: times the pauses before restarting the consumer; the retry delays are
    ///   message TTLs, timed by RabbitMQ.
    public init(client: AMQPClient, sender: any WebhookSender, topology: FootfallTopology = .init(),
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
        await ConsumerRestarts.run(name: "webhook", clock: clock, logger: logger) { try await consume() }
    }

    private func consume() async throws {
        try await client.declare(topology.webhookDeclarations)
        let consumer = try await client.consume(queue: topology.webhookQueue, prefetch: configuration.prefetch)
        let queue = topology.webhookQueue
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
        let event: WebhookEvent
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            event = try decoder.decode(WebhookEvent.self, from: Data(delivery.body.readableBytesView))
        } catch {
            await settle(delivery, by: delivery.deadLetterMessage(queue: topology.deadLetterQueue, reason: "unreadable: \(error)"))
            return
        }
        do {
            try await sender.send(event)
        } catch {
            let attempts = delivery.attempts + 1
            guard attempts < configuration.maximumAttempts else {
                logger.error("webhook.delivery_dead_letter", metadata: ["webhook.delivery": "\(event.deliveryID)", "error": "\(error)"])
                await settle(delivery, by: delivery.deadLetterMessage(
                    queue: topology.deadLetterQueue, reason: "failed \(attempts) times; last: \(error)"))
                return
            }
            let delay = configuration.backoff.delay(attempt: attempts)
            logger.warning("webhook.delivery_failed", metadata: [
                "webhook.delivery": "\(event.deliveryID)", "webhook.attempts": "\(attempts)",
                "webhook.retry_in_ms": "\(delay.inMilliseconds)",
                "error": "\(error)",
            ])
            await settle(delivery, by: delivery.retryMessage(queue: topology.webhookRetryQueue, attempts: attempts, delay: delay))
            return
        }
        do {
            try await delivery.ack()
        } catch {
            // The channel is gone: the broker delivers it again, and the receiver drops the copy by its delivery id.
            logger.warning("webhook.ack_failed", metadata: ["error": "\(error)"])
        }
    }

    private func settle(_ delivery: AMQPDelivery, by message: AMQPMessage) async {
        do {
            try await client.settle(delivery, by: message)
        } catch {
            logger.warning("webhook.settle_failed", metadata: ["error": "\(error)"])
        }
    }
}
