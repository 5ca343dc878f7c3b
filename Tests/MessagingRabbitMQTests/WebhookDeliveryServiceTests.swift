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

/// Webhook events (alert changes, reports made) through a real RabbitMQ to a sender (standing
/// in for the webhook, whose HTTP side has its own tests): queued while nobody consumes,
/// retried while the webhook is down, each delivered once, and dead-lettered with the reason
/// when it never gets through.
@Suite(.enabled(if: AMQPTestServer.available, "needs FOOTFALL_TEST_AMQP_URL (scripts/test.sh starts RabbitMQ)"))
struct WebhookDeliveryServiceTests {
    /// A webhook that refuses everything while it is down.
    final class Webhook: WebhookSender {
        let down = Mutex(true)
        let attempts = Mutex(0)
        let delivered = Mutex<[String]>([])

        func send(_ event: WebhookEvent) async throws {
            attempts.withLock { $0 += 1 }
            if down.withLock({ $0 }) { throw URLError(.cannotConnectToHost) }
            switch event {
            case .alert(let change): delivered.withLock { $0.append("\(change.alert.subject).\(change.alert.state.rawValue)") }
            case .report(let report): delivered.withLock { $0.append("\(report.name).\(report.files.map(\.name).joined(separator: ","))") }
            }
        }
    }

    static let fast = WebhookDeliveryService.Configuration(
        maximumAttempts: 50, backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(200), jitter: .none), prefetch: 4)

    static func change(_ subject: String, _ severity: AlertSeverity, resolved: Bool = false) -> WebhookEvent {
        let fired = Date(timeIntervalSince1970: 1_800_000_000)
        return .alert(.init(tenantID: Tenant.defaultID, alert: Alert(
            ruleID: UUID(), kind: .cameraDown, severity: severity, subject: subject, cameraID: "door", message: "down",
            firedAt: fired, resolvedAt: resolved ? fired.addingTimeInterval(60) : nil), time: fired))
    }

    static let report = WebhookEvent.report(ReportReady(
        tenantID: Tenant.defaultID, siteID: "shop", period: "week", from: Date(timeIntervalSince1970: 1_805_580_000),
        name: "shop-week-2027-03-22",
        files: ["html", "csv"].map { format in
            .init(id: UUID(), name: "shop-week-2027-03-22.\(format)", contentType: "text/\(format)", size: 100,
                  sha256: String(repeating: "0", count: 64), path: "/api/v1/files/x", url: nil)
        },
        time: Date(timeIntervalSince1970: 1_805_800_000)))

    @Test func eventsWaitOnTheBrokerWhileTheWebhookIsDownAndArriveOnceWhenItIsUp() async throws {
        let topology = FootfallTopology(namespace: AMQPTestServer.uniqueName("alerts"))
        let webhook = Webhook()
        try await AMQPTestServer.withClient { client in
            // Queued before any consumer runs: the broker keeps them.
            let queue = AMQPWebhookQueue(client: client, topology: topology)
            let changes = [Self.change("camera:door", .critical), Self.change("camera:yard", .warning),
                           Self.change("camera:door", .critical, resolved: true), Self.report]
            for change in changes { try await queue.enqueue(change) }
            #expect(try await client.messageCount(queue: topology.webhookQueue) == 4)
            let service = WebhookDeliveryService(client: client, sender: webhook, topology: topology, configuration: Self.fast,
                                               logger: AMQPTestServer.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                defer { group.cancelAll() }
                // Each is refused and comes back from the retry queue at least once.
                try await eventually("retries") { webhook.attempts.withLock { $0 } >= 6 }
                #expect(webhook.delivered.withLock { $0.isEmpty })
                webhook.down.withLock { $0 = false }
                try await eventually("all delivered") { webhook.delivered.withLock { $0.count } == 4 }
                try await eventually("queues drained") {
                    let waiting = try await client.messageCount(queue: topology.webhookQueue)
                    let retrying = try await client.messageCount(queue: topology.webhookRetryQueue)
                    return waiting + retrying == 0
                }
            }
            #expect(webhook.delivered.withLock { $0.sorted() } == [
                "camera:door.firing", "camera:door.resolved", "camera:yard.firing",
                "shop-week-2027-03-22.shop-week-2027-03-22.html,shop-week-2027-03-22.csv",
            ])
            #expect(try await client.messageCount(queue: topology.deadLetterQueue) == 0)
        }
    }

    @Test func aChangeThatNeverGetsThroughAndAnUnreadableOneBecomeDeadLetters() async throws {
        let topology = FootfallTopology(namespace: AMQPTestServer.uniqueName("alerts-dead"))
        let webhook = Webhook()
        let configuration = WebhookDeliveryService.Configuration(maximumAttempts: 3, backoff: Self.fast.backoff, prefetch: 4)
        try await AMQPTestServer.withClient { client in
            let service = WebhookDeliveryService(client: client, sender: webhook, topology: topology, configuration: configuration,
                                               logger: AMQPTestServer.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                defer { group.cancelAll() }
                try await AMQPWebhookQueue(client: client, topology: topology).enqueue(Self.change("camera:door", .info))
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
