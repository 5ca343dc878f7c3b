import FootfallSupport
import Foundation
import Logging
import Messaging
import ServiceLifecycle

/// The embedded webhook queue: events (alert changes, reports made) wait in memory and are
/// sent in order, each retried with growing delays while the webhook is down, up to
/// `maximumAttempts`, then kept as a dead letter (logged). What is still waiting when the process stops is lost; RabbitMQ's queue
/// (`WebhookDeliveryService`) keeps it instead.
public actor InProcessWebhookQueue: WebhookQueue, Service {
    public struct Policy: Sendable {
        public var maximumAttempts: Int
        public var backoff: Backoff

        public init(maximumAttempts: Int = 12, backoff: Backoff = Backoff(initial: .seconds(1), maximum: .seconds(300))) {
            self.maximumAttempts = maximumAttempts
            self.backoff = backoff
        }
    }

    struct Pending {
        let id = UUID()
        var event: WebhookEvent
        var attempts: Int
        var due: AnyClock.Instant
    }

    /// An event given up on, and why.
    public struct DeadLetter: Sendable {
        public var event: WebhookEvent
        public var reason: String
    }

    private let sender: any WebhookSender
    private let policy: Policy
    private let clock: AnyClock
    private let logger: Logger
    private var pending: [Pending] = []
    public private(set) var deadLetters: [DeadLetter] = []
    /// Deliveries made, for tests and metrics.
    public private(set) var delivered = 0
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// The earliest deadline a timer is already waiting for.
    private var timer: AnyClock.Instant?

    public init(sender: any WebhookSender, policy: Policy = .init(), clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.sender = sender
        self.policy = policy
        self.clock = AnyClock(clock)
        self.logger = logger
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func enqueue(_ event: WebhookEvent) {
        pending.append(Pending(event: event, attempts: 0, due: clock.now))
        wake.yield()
    }

    /// Events still waiting to be delivered.
    public var waiting: Int { pending.count }

    public func run() async throws {
        let wake = self.wake
        // Discarding: each timer's task is gone once it fired, however many retries there are.
        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                for await _ in wakes {
                    await deliverDue()
                    if let next = pending.map(\.due).min(), timer.map({ next < $0 }) ?? true {
                        timer = next
                        let clock = self.clock
                        group.addTask {
                            try? await clock.sleep(until: next)
                            wake.yield()
                        }
                    }
                }
            } onGracefulShutdown: {
                wake.finish()
            }
            group.cancelAll()
        }
        if !pending.isEmpty {
            logger.warning("webhook.delivery_abandoned", metadata: ["webhook.waiting": "\(pending.count)"])
        }
    }

    /// Sends every event that is due, oldest first; one that fails waits its backoff.
    private func deliverDue() async {
        if let timer, timer <= clock.now { self.timer = nil }
        var index = 0
        while index < pending.count {
            guard pending[index].due <= clock.now else {
                index += 1
                continue
            }
            let item = pending[index]
            do {
                try await sender.send(item.event)
                pending.removeAll { $0.id == item.id }
                delivered += 1
            } catch {
                let attempts = item.attempts + 1
                guard let position = pending.firstIndex(where: { $0.id == item.id }) else { continue }
                if attempts >= policy.maximumAttempts {
                    pending.remove(at: position)
                    deadLetters.append(DeadLetter(event: item.event, reason: "\(error)"))
                    logger.error("webhook.delivery_dead_letter", metadata: [
                        "webhook.delivery": "\(item.event.deliveryID)", "webhook.attempts": "\(attempts)", "error": "\(error)",
                    ])
                } else {
                    let delay = policy.backoff.delay(attempt: attempts)
                    pending[position].attempts = attempts
                    pending[position].due = clock.now.advanced(by: delay)
                    logger.warning("webhook.delivery_failed", metadata: [
                        "webhook.delivery": "\(item.event.deliveryID)", "webhook.attempts": "\(attempts)",
                        "webhook.retry_in_ms": "\(delay.inMilliseconds)", "error": "\(error)",
                    ])
                    index = position + 1
                }
            }
        }
    }
}
