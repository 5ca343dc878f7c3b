import FootfallTestSupport
import Synchronization
import Testing
@testable import MessagingRabbitMQ

/// Collects a consumer's deliveries in the background while a test inspects them.
final class DeliveryCollector: Sendable {
    let deliveries = Mutex<[AMQPDelivery]>([])
    let ended = Mutex<(Bool, Error?)>((false, nil))

    var count: Int { deliveries.withLock { $0.count } }
    var all: [AMQPDelivery] { deliveries.withLock { $0 } }

    /// Runs `body` while the deliveries of `consumer` are collected.
    static func collecting<T: Sendable>(_ consumer: AMQPConsumer, _ body: @Sendable (DeliveryCollector) async throws -> T) async throws -> T {
        let collector = DeliveryCollector()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await delivery in consumer { collector.deliveries.withLock { $0.append(delivery) } }
                    collector.ended.withLock { $0 = (true, nil) }
                } catch {
                    collector.ended.withLock { $0 = (true, error) }
                }
            }
            defer { group.cancelAll() }
            return try await body(collector)
        }
    }

    /// Waits for `count` deliveries and returns them.
    func await(_ count: Int) async throws -> [AMQPDelivery] {
        try await eventually("\(count) deliveries") { self.count >= count }
        return all
    }
}
