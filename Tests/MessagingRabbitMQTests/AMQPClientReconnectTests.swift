import FootfallTestSupport
import Foundation
import Testing
@testable import MessagingRabbitMQ

/// Disturbs a dedicated broker node (forced close, restart), so it never touches the shared one.
@Suite(.enabled(if: AMQPTestServer.available, "needs RabbitMQ (scripts/rabbitmq.sh) like the other server tests"))
struct AMQPClientReconnectTests {
    @Test(.timeLimit(.minutes(6)))
    func reconnectsRedeclaresAndResumesTheConsumer() async throws {
        let node = try await RabbitMQTestNode.start()
        do {
            try await exercise(node)
        } catch {
            try? await node.stop()
            throw error
        }
        try await node.stop()
    }

    private func exercise(_ node: RabbitMQTestNode) async throws {
        var configuration = try AMQPConfiguration(url: node.url)
        configuration.heartbeat = 5
        configuration.reconnectInitialDelay = .milliseconds(50)
        configuration.reconnectMaxDelay = .milliseconds(500)
        configuration.connectionWaitTimeout = .seconds(1)
        let exchange = AMQPTestServer.uniqueName("x")
        let queue = AMQPTestServer.uniqueName("vanishing")
        // Non-durable and auto-delete: the queue disappears when its consumer's connection goes and when the broker restarts.
        let topology = AMQPTopology(exchanges: [.init(name: exchange, kind: .direct, durable: false)],
                                    queues: [.init(name: queue, durable: false, autoDelete: true)],
                                    bindings: [.init(queue: queue, exchange: exchange, routingKey: "count")])
        let message = { @Sendable (body: String) in AMQPMessage(exchange: exchange, routingKey: "count", body: body, mandatory: true) }
        try await AMQPTestServer.withClient(configuration) { client in
            // Operations wait only a second for a connection (so that one fails quickly during the outage below);
            // the first connection to a node that has just started may take longer on a busy machine.
            try await eventually("connected") { client.isConnected }
            try await client.declare(topology)
            let consumer = try await client.consume(queue: queue, prefetch: 10)
            try await DeliveryCollector.collecting(consumer) { collector in
                try await client.publish(message("before"))
                let before = try await collector.await(1)[0]
                #expect(before.bodyString == "before")

                // 1. The broker force-closes the connection.
                try await node.closeAllConnections()
                try await eventually("old connection closed") { !before.channel.connection.isOpen }
                await #expect(throws: AMQPError.staleDelivery) { try await before.ack() }
                try await Self.publishRetrying(client, message("after-close"))
                let afterClose = try await collector.await(2)[1]
                #expect(afterClose.bodyString == "after-close")
                try await afterClose.ack()

                // 2. The broker stops: publishing fails while it is down. It starts again, and a publish made
                // during the outage succeeds once the caller retries it.
                try await node.halt()
                try await eventually("disconnected") { !client.isConnected }
                await #expect(throws: AMQPError.self) { try await client.publish(message("while-down")) }
                async let restarted: Void = node.restart()
                try await Self.publishRetrying(client, message("during-outage"))
                try await restarted
                let resumed = try await collector.await(3)
                #expect(resumed[2].bodyString == "during-outage")
                try await resumed[2].ack()
                #expect(try await client.messageCount(queue: queue) == 0)
            }
        }
    }

    /// Publishes until the broker confirms, as a Footfall producer does (at-least-once); the deadline only guards
    /// against a hang.
    private static func publishRetrying(_ client: AMQPClient, _ message: AMQPMessage) async throws {
        let deadline = ContinuousClock.now + .seconds(180)
        while true {
            do {
                try await client.publish(message)
                return
            } catch let error as AMQPError where ContinuousClock.now < deadline {
                _ = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
