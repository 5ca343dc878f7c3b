import FootfallSupport
import FootfallTestSupport
import Foundation
import Logging
import Messaging
import NIOCore
import Storage
import Synchronization
import Testing
@testable import MessagingRabbitMQ

/// Alert changes through a real RabbitMQ to a sender (standing in for the webhook, whose HTTP
/// side has its own tests): queued while nobody consumes, retried while the webhook is down,
/// each delivered once, and dead-lettered with the reason when it never gets through.
@Suite(.enabled(if: AMQPTestServer.available, "needs FOOTFALL_TEST_AMQP_URL (scripts/test.sh starts RabbitMQ)"))
struct AlertDeliveryServiceTests {
    /// A webhook that refuses everything while it is down.
    final class Webhook: AlertSender {
        let down = Mutex(true)
        let attempts = Mutex(0)
        let delivered = Mutex<[String]>([])

        func send(_ change: LiveMessage.AlertChange) async throws {
            attempts.withLock { $0 += 1 }
            if down.withLock({ $0 }) { throw URLError(.cannotConnectToHost) }
            delivered.withLock { $0.append("\(change.alert.subject).\(change.alert.state.rawValue)") }
        }
    }

    static let fast = AlertDeliveryService.Configuration(
        maximumAttempts: 50, backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(200), jitter: .none), prefetch: 4)

    static func change(_ subject: String, _ severity: AlertSeverity, resolved: Bool = false) -> LiveMessage.AlertChange {
        let fired = Date(timeIntervalSince1970: 1_800_000_000)
        return .init(tenantID: Tenant.defaultID, alert: Alert(
            ruleID: UUID(), kind: .cameraDown, severity: severity, subject: subject, cameraID: "door", message: "down",
            firedAt: fired, resolvedAt: resolved ? fired.addingTimeInterval(60) : nil), time: fired)
    }

    @Test func changesWaitOnTheBrokerWhileTheWebhookIsDownAndArriveOnceWhenItIsUp() async throws {
        let topology = FootfallTopology(namespace: AMQPTestServer.uniqueName("alerts"))
        let webhook = Webhook()
        try await AMQPTestServer.withClient { client in
            // Queued before any consumer runs: the broker keeps them.
            let queue = AMQPAlertQueue(client: client, topology: topology)
            let changes = [Self.change("camera:door", .critical), Self.change("camera:yard", .warning),
                           Self.change("camera:door", .critical, resolved: true)]
            for change in changes { try await queue.enqueue(change) }
            #expect(try await client.messageCount(queue: topology.alertQueue) == 3)
            let service = AlertDeliveryService(client: client, sender: webhook, topology: topology, configuration: Self.fast,
                                               logger: AMQPTestServer.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                defer { group.cancelAll() }
                // Each is refused and comes back from the retry queue at least once.
                try await eventually("retries") { webhook.attempts.withLock { $0 } >= 6 }
                #expect(webhook.delivered.withLock { $0.isEmpty })
                webhook.down.withLock { $0 = false }
                try await eventually("all delivered") { webhook.delivered.withLock { $0.count } == 3 }
                try await eventually("queues drained") {
                    let waiting = try await client.messageCount(queue: topology.alertQueue)
                    let retrying = try await client.messageCount(queue: topology.alertRetryQueue)
                    return waiting + retrying == 0
                }
            }
            #expect(webhook.delivered.withLock { $0.sorted() } == ["camera:door.firing", "camera:door.resolved", "camera:yard.firing"])
            #expect(try await client.messageCount(queue: topology.deadLetterQueue) == 0)
        }
    }

    @Test func aChangeThatNeverGetsThroughAndAnUnreadableOneBecomeDeadLetters() async throws {
        let topology = FootfallTopology(namespace: AMQPTestServer.uniqueName("alerts-dead"))
        let webhook = Webhook()
        let configuration = AlertDeliveryService.Configuration(maximumAttempts: 3, backoff: Self.fast.backoff, prefetch: 4)
        try await AMQPTestServer.withClient { client in
            let service = AlertDeliveryService(client: client, sender: webhook, topology: topology, configuration: configuration,
                                               logger: AMQPTestServer.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                defer { group.cancelAll() }
                try await AMQPAlertQueue(client: client, topology: topology).enqueue(Self.change("camera:door", .info))
                try await client.publish(AMQPMessage(exchange: topology.events, routingKey: "alert.warning", body: #"{"type":"alert""#))
                try await eventually("two dead letters") { try await client.messageCount(queue: topology.deadLetterQueue) == 2 }
            }
            let entries = try await DeadLetters(client: client, topology: topology).list(limit: 10)
            #expect(entries.contains { $0.routingKey == "alert.info" && $0.reason.contains("failed 3 times") && $0.attempts == 3 })
            #expect(entries.contains { $0.routingKey == "alert.warning" && $0.reason.contains("unreadable") })
            #expect(webhook.attempts.withLock { $0 } == 3)
        }
    }
}
