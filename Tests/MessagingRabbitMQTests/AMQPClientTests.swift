import FootfallTestSupport
import Foundation
import NIOCore
import Synchronization
import Testing
@testable import MessagingRabbitMQ

@Suite(.enabled(if: AMQPTestServer.available, "needs RabbitMQ at FOOTFALL_TEST_AMQP_URL (scripts/rabbitmq.sh start)"))
struct AMQPClientTests {
    /// A direct exchange, a work queue dead-lettering into a DLQ, and their bindings.
    struct Names {
        let exchange = AMQPTestServer.uniqueName("x")
        let queue = AMQPTestServer.uniqueName("q")
        let deadLetterExchange = AMQPTestServer.uniqueName("dlx")
        let deadLetterQueue = AMQPTestServer.uniqueName("dlq")

        func topology(messageTTL: Duration? = nil, maxLength: Int? = nil) -> AMQPTopology {
            AMQPTopology(
                exchanges: [.init(name: exchange, kind: .direct, durable: false, autoDelete: false),
                            .init(name: deadLetterExchange, kind: .fanout, durable: false)],
                queues: [.init(name: queue, durable: false, deadLetterExchange: deadLetterExchange, deadLetterRoutingKey: "dead",
                               messageTTL: messageTTL, maxLength: maxLength),
                         .init(name: deadLetterQueue, durable: false)],
                bindings: [.init(queue: queue, exchange: exchange, routingKey: "count"),
                           .init(queue: deadLetterQueue, exchange: deadLetterExchange, routingKey: "")])
        }

        func cleanUp(_ client: AMQPClient) async {
            _ = try? await client.deleteQueue(queue)
            _ = try? await client.deleteQueue(deadLetterQueue)
            try? await client.deleteExchange(exchange)
            try? await client.deleteExchange(deadLetterExchange)
        }
    }

    @Test func declaresTopologyWithDeadLetteringAndMaxLength() async throws {
        let names = Names()
        try await AMQPTestServer.withClient { client in
            try await client.declare(names.topology(maxLength: 3))
            #expect(try await client.messageCount(queue: names.queue) == 0)
            // Declaring the same queue with other arguments must be refused: the arguments really were applied.
            await #expect(throws: AMQPError.self) {
                try await client.declare(AMQPTopology(queues: [.init(name: names.queue, durable: false, maxLength: 4)]))
            }
            try await client.publish(batch: (1...5).map { AMQPMessage(exchange: names.exchange, routingKey: "count", body: "m\($0)") })
            // x-max-length 3 drops the oldest from the head, and dead-letters them.
            #expect(try await client.messageCount(queue: names.queue) == 3)
            try await eventually("overflow dead-lettered") {
                try await client.messageCount(queue: names.deadLetterQueue) == 2
            }
            #expect(try await client.get(queue: names.queue)?.bodyString == "m3")
            await names.cleanUp(client)
        }
    }

    @Test func publishesWithConfirmThenConsumesAndAcks() async throws {
        let names = Names()
        try await AMQPTestServer.withClient { client in
            try await client.declare(names.topology())
            let properties = AMQPBasicProperties(
                contentType: "application/json", headers: ["site": .string("north-gate"), "line": .int32(2)], deliveryMode: 2,
                priority: 3, correlationID: "c-1", replyTo: "replies", expiration: "60000", messageID: "msg-1",
                timestamp: Date(timeIntervalSince1970: 1_764_000_000), type: "count.crossed", appID: "footfall")
            try await client.publish(AMQPMessage(exchange: names.exchange, routingKey: "count", body: #"{"in":1}"#, properties: properties))
            let consumer = try await client.consume(queue: names.queue, prefetch: 10)
            try await DeliveryCollector.collecting(consumer) { collector in
                let delivery = try #require(try await collector.await(1).first)
                #expect(delivery.bodyString == #"{"in":1}"#)
                #expect(delivery.exchange == names.exchange)
                #expect(delivery.routingKey == "count")
                #expect(delivery.properties == properties)
                #expect(!delivery.redelivered)
                try await delivery.ack()
            }
            await consumer.cancel()
            #expect(try await client.messageCount(queue: names.queue) == 0)
            await names.cleanUp(client)
        }
    }

    @Test func mandatoryPublishToAnUnroutableKeyIsReturned() async throws {
        let names = Names()
        try await AMQPTestServer.withClient { client in
            try await client.declare(names.topology())
            do {
                try await client.publish(AMQPMessage(exchange: names.exchange, routingKey: "nowhere", body: "lost", mandatory: true))
                Issue.record("publish should fail")
            } catch let error as AMQPError {
                #expect(error == .returned(replyCode: 312, replyText: "NO_ROUTE", exchange: names.exchange, routingKey: "nowhere"))
            }
            // Without mandatory the broker drops it and confirms; a routable mandatory message is confirmed and arrives clean.
            try await client.publish(AMQPMessage(exchange: names.exchange, routingKey: "nowhere", body: "dropped"))
            try await client.publish(AMQPMessage(exchange: names.exchange, routingKey: "count", body: "kept", mandatory: true))
            let delivery = try #require(try await client.get(queue: names.queue))
            #expect(delivery.bodyString == "kept")
            #expect(delivery.properties.headers == nil)
            try await delivery.ack()
            await names.cleanUp(client)
        }
    }

    @Test func publishToAMissingExchangeFailsAndTheNextPublishWorks() async throws {
        let names = Names()
        try await AMQPTestServer.withClient { client in
            try await client.declare(names.topology())
            do {
                try await client.publish(AMQPMessage(exchange: AMQPTestServer.uniqueName("missing"), routingKey: "k", body: "x"))
                Issue.record("publish should fail")
            } catch AMQPError.channelClosedByServer(let code, let text) {
                #expect(code == 404)
                #expect(text.contains("NOT_FOUND"))
            }
            try await client.publish(AMQPMessage(exchange: names.exchange, routingKey: "count", body: "after"))
            #expect(try await client.messageCount(queue: names.queue) == 1)
            await names.cleanUp(client)
        }
    }

    @Test func nackWithoutRequeueDeadLettersWithXDeath() async throws {
        let names = Names()
        try await AMQPTestServer.withClient { client in
            try await client.declare(names.topology())
            try await client.publish(AMQPMessage(exchange: names.exchange, routingKey: "count", body: "poison"))
            let consumer = try await client.consume(queue: names.queue, prefetch: 1)
            try await DeliveryCollector.collecting(consumer) { collector in
                try await collector.await(1)[0].nack(requeue: false)
            }
            try await eventually("dead-lettered") { try await client.messageCount(queue: names.deadLetterQueue) == 1 }
            let dead = try #require(try await client.get(queue: names.deadLetterQueue))
            #expect(dead.bodyString == "poison")
            #expect(dead.routingKey == "dead")
            let death = try #require(dead.properties.headers?["x-death"]?.arrayValue?.first?.tableValue)
            #expect(death["reason"]?.stringValue == "rejected")
            #expect(death["queue"]?.stringValue == names.queue)
            #expect(death["exchange"]?.stringValue == names.exchange)
            #expect(death["count"]?.intValue == 1)
            try await dead.ack()
            await names.cleanUp(client)
        }
    }

    @Test func nackWithRequeueRedelivers() async throws {
        let names = Names()
        try await AMQPTestServer.withClient { client in
            try await client.declare(names.topology())
            try await client.publish(AMQPMessage(exchange: names.exchange, routingKey: "count", body: "again"))
            let consumer = try await client.consume(queue: names.queue, prefetch: 1)
            try await DeliveryCollector.collecting(consumer) { collector in
                let first = try await collector.await(1)[0]
                #expect(!first.redelivered)
                try await first.nack(requeue: true)
                let second = try await collector.await(2)[1]
                #expect(second.redelivered)
                #expect(second.bodyString == "again")
                try await second.reject(requeue: false)
            }
            #expect(try await client.messageCount(queue: names.queue) == 0)
            await names.cleanUp(client)
        }
    }

    @Test func prefetchLimitsUnacknowledgedDeliveries() async throws {
        let names = Names()
        try await AMQPTestServer.withClient { client in
            try await client.declare(names.topology())
            try await client.publish(batch: (1...12).map { AMQPMessage(exchange: names.exchange, routingKey: "count", body: "\($0)") })
            let consumer = try await client.consume(queue: names.queue, prefetch: 5)
            try await DeliveryCollector.collecting(consumer) { collector in
                _ = try await collector.await(5)
                // The broker holds the other seven back until something is acknowledged; it answers the count
                // only after it has sent whatever it was going to send.
                #expect(try await client.messageCount(queue: names.queue) == 7)
                #expect(collector.count == 5)
                try await collector.all[4].ack(multiple: true)
                let all = try await collector.await(10)
                #expect(try await client.messageCount(queue: names.queue) == 2)
                #expect(collector.count == 10)
                #expect(all.map(\.bodyString) == (1...10).map { "\($0)" })
                try await collector.all[9].ack(multiple: true)
                _ = try await collector.await(12)
                try await collector.all[11].ack(multiple: true)
            }
            await consumer.cancel()
            #expect(try await client.messageCount(queue: names.queue) == 0)
            await names.cleanUp(client)
        }
    }

    @Test func deletingTheQueueEndsItsConsumerWithTheQueuesName() async throws {
        let names = Names()
        try await AMQPTestServer.withClient { client in
            try await client.declare(names.topology())
            let consumer = try await client.consume(queue: names.queue, prefetch: 1)
            try await DeliveryCollector.collecting(consumer) { collector in
                try await client.deleteQueue(names.queue)
                try await eventually("the consumer ended") { collector.ended.withLock { $0.0 } }
                #expect(collector.ended.withLock { $0.1 as? AMQPError } == .consumerCancelled(queue: names.queue))
            }
            await names.cleanUp(client)
        }
    }

    @Test func basicGetFetchesOneMessageAtATime() async throws {
        let names = Names()
        try await AMQPTestServer.withClient { client in
            try await client.declare(names.topology())
            #expect(try await client.get(queue: names.queue) == nil)
            try await client.publish(batch: ["a", "b"].map { AMQPMessage(exchange: names.exchange, routingKey: "count", body: $0) })
            let first = try #require(try await client.get(queue: names.queue))
            #expect(first.bodyString == "a")
            try await first.ack()
            let second = try #require(try await client.get(queue: names.queue))
            try await second.reject(requeue: true)
            let again = try #require(try await client.get(queue: names.queue))
            #expect(again.bodyString == "b")
            #expect(again.redelivered)
            try await again.ack()
            #expect(try await client.get(queue: names.queue) == nil)
            #expect(try await client.purge(queue: names.queue) == 0)
            await #expect(throws: AMQPError.self) { _ = try await client.get(queue: AMQPTestServer.uniqueName("missing")) }
            // The get channel is reopened after the broker closed it.
            #expect(try await client.get(queue: names.queue) == nil)
            await names.cleanUp(client)
        }
    }

    @Test func messageTTLExpiryDeadLetters() async throws {
        let names = Names()
        try await AMQPTestServer.withClient { client in
            try await client.declare(names.topology(messageTTL: .milliseconds(200)))
            try await client.publish(AMQPMessage(exchange: names.exchange, routingKey: "count", body: "stale"))
            try await eventually("expired to the DLQ") { try await client.messageCount(queue: names.deadLetterQueue) == 1 }
            #expect(try await client.messageCount(queue: names.queue) == 0)
            let dead = try #require(try await client.get(queue: names.deadLetterQueue))
            #expect(dead.properties.headers?["x-death"]?.arrayValue?.first?.tableValue?["reason"]?.stringValue == "expired")
            try await dead.ack()
            await names.cleanUp(client)
        }
    }

    @Test func concurrentPublishesBatchesAndLargeBodiesAllArrive() async throws {
        let names = Names()
        try await AMQPTestServer.withClient { client in
            try await client.declare(names.topology())
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask { try await client.publish(AMQPMessage(exchange: names.exchange, routingKey: "count", body: "\(index)")) }
                }
                try await group.waitForAll()
            }
            try await client.publish(batch: (0..<1_000).map { AMQPMessage(exchange: names.exchange, routingKey: "count", body: "b\($0)") })
            #expect(try await client.messageCount(queue: names.queue) == 1_200)
            #expect(try await client.purge(queue: names.queue) == 1_200)
            // 3 MB spans many frames each way.
            let big = ByteBuffer(bytes: (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            try await client.publish(AMQPMessage(exchange: names.exchange, routingKey: "count", body: big))
            let delivery = try #require(try await client.get(queue: names.queue))
            #expect(delivery.body == big)
            try await delivery.ack()
            await names.cleanUp(client)
        }
    }

    @Test func operationsWhileNeverConnectedFailAfterTheWaitTimeout() async throws {
        var configuration = try AMQPTestServer.configuration()
        configuration.port = 1
        configuration.connectionWaitTimeout = .milliseconds(300)
        try await AMQPTestServer.withClient(configuration) { client in
            let started = ContinuousClock.now
            await #expect(throws: AMQPError.notConnected) {
                try await client.publish(AMQPMessage(exchange: "", routingKey: "q", body: "x"))
            }
            #expect(ContinuousClock.now - started >= .milliseconds(250))
            #expect(!client.isConnected)
        }
    }

    @Test func consumerOfAMissingQueueFails() async throws {
        try await AMQPTestServer.withClient { client in
            try await eventually("connected") { client.isConnected }
            await #expect(throws: AMQPError.self) {
                _ = try await client.consume(queue: AMQPTestServer.uniqueName("missing"), prefetch: 1)
            }
        }
    }
}
