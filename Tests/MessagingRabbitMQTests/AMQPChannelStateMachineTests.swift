import NIOCore
import Testing
@testable import MessagingRabbitMQ

/// The channel state machine on its own: no server, no event loop, no time.
@Suite struct AMQPChannelStateMachineTests {
    typealias Action = AMQPChannelStateMachine.Action

    static func token(_ value: UInt64) -> AMQPToken { AMQPToken(value) }

    /// Channel 1, opened with token 0.
    static func openChannel(frameMax: UInt32 = 131_072) throws -> AMQPChannelStateMachine {
        var channel = AMQPChannelStateMachine(id: 1, generation: 1, frameMax: frameMax)
        #expect(channel.open(token: token(0)) == [.write([.method(channel: 1, .channelOpen)])])
        #expect(try channel.received(.method(channel: 1, .channelOpenOk)) == [.succeed(token(0))])
        #expect(channel.state == .open)
        return channel
    }

    static func messages(_ count: Int, mandatory: Bool = false) -> [AMQPMessage] {
        (1...count).map { AMQPMessage(exchange: "x", routingKey: "count", body: "m\($0)", mandatory: mandatory) }
    }

    /// Starts a consumer of `queue` under `tag`, answered by consume-ok.
    static func consume(_ channel: inout AMQPChannelStateMachine, queue: String = "counts", tag: String, consumer: UInt64,
                        rpc: UInt64) throws {
        _ = try channel.consume(queue: queue, consumerTag: tag, consumer: token(consumer), token: token(rpc))
        #expect(try channel.received(.method(channel: 1, .basicConsumeOk(consumerTag: tag)))
                == [.respond(token(rpc), AMQPResponse(method: .basicConsumeOk(consumerTag: tag)))])
    }

    @Test func multipleAcksAndNacksSettleTheRightTags() throws {
        var channel = try Self.openChannel()
        let written = try channel.publish(Self.messages(6), tokens: (1...6).map(Self.token))
        guard case .write(let frames) = try #require(written.first) else { Issue.record("expected a write"); return }
        // Method, header and one body frame per message.
        #expect(frames.count == 18)

        #expect(try channel.received(.method(channel: 1, .basicAck(deliveryTag: 2, multiple: true))) == [.succeed(Self.token(1)), .succeed(Self.token(2))])
        #expect(try channel.received(.method(channel: 1, .basicNack(deliveryTag: 4, multiple: false, requeue: false)))
                == [.fail([Self.token(4)], .nacked)])
        #expect(try channel.received(.method(channel: 1, .basicAck(deliveryTag: 3, multiple: false))) == [.succeed(Self.token(3))])
        // 3 and 4 are settled already: a multiple ack up to 5 settles 5 alone.
        #expect(try channel.received(.method(channel: 1, .basicAck(deliveryTag: 5, multiple: true))) == [.succeed(Self.token(5))])
        #expect(try channel.received(.method(channel: 1, .basicNack(deliveryTag: 6, multiple: true, requeue: false)))
                == [.fail([Self.token(6)], .nacked)])
        // Settled tags are not settled twice.
        #expect(try channel.received(.method(channel: 1, .basicAck(deliveryTag: 6, multiple: true))) == [])
        #expect(try channel.received(.method(channel: 1, .basicAck(deliveryTag: 1, multiple: false))) == [])

        // A multiple nack refuses every earlier publish still waiting.
        _ = try channel.publish(Self.messages(3), tokens: (7...9).map(Self.token))
        #expect(try channel.received(.method(channel: 1, .basicNack(deliveryTag: 8, multiple: true, requeue: false)))
                == [.fail([Self.token(7)], .nacked), .fail([Self.token(8)], .nacked)])
        #expect(try channel.received(.method(channel: 1, .basicAck(deliveryTag: 9, multiple: true))) == [.succeed(Self.token(9))])
    }

    @Test func aReturnBeforeTheAckFailsThatPublishOnly() throws {
        var channel = try Self.openChannel()
        let written = try channel.publish(Self.messages(3, mandatory: true), tokens: (1...3).map(Self.token))
        guard case .write(let frames) = try #require(written.first) else { Issue.record("expected a write"); return }
        guard case .header(_, _, _, let properties) = frames[4] else { Issue.record("expected the second header"); return }
        // The header carries the publish tag so that a return can be matched to its publish.
        #expect(properties.headers?[AMQPChannelStateMachine.publishTagHeader] == .int64(2))

        #expect(try channel.received(.method(channel: 1, .basicReturn(replyCode: 312, replyText: "NO_ROUTE", exchange: "x", routingKey: "nowhere"))) == [])
        #expect(try channel.received(.header(channel: 1, classID: 60, bodySize: 2, properties: properties)) == [])
        #expect(try channel.received(.body(channel: 1, ByteBuffer(string: "m2")))
                == [.report(.messageReturned(exchange: "x", routingKey: "nowhere"))])
        // RabbitMQ confirms a returned message too; its publish fails all the same, the others succeed.
        #expect(try channel.received(.method(channel: 1, .basicAck(deliveryTag: 3, multiple: true))) == [
            .succeed(Self.token(1)),
            .fail([Self.token(2)], .returned(replyCode: 312, replyText: "NO_ROUTE", exchange: "x", routingKey: "nowhere")),
            .succeed(Self.token(3)),
        ])
    }

    @Test func contentSplitOverSeveralBodyFramesIsOneDelivery() throws {
        var channel = try Self.openChannel()
        try Self.consume(&channel, tag: "c1", consumer: 10, rpc: 11)
        let properties = AMQPBasicProperties(contentType: "text/plain",
                                             headers: ["site": .string("north"), AMQPChannelStateMachine.publishTagHeader: .int64(5)])
        #expect(try channel.received(.method(channel: 1, .basicDeliver(consumerTag: "c1", deliveryTag: 7, redelivered: true,
                                                                        exchange: "x", routingKey: "count"))) == [])
        #expect(try channel.received(.header(channel: 1, classID: 60, bodySize: 11, properties: properties)) == [])
        #expect(try channel.received(.body(channel: 1, ByteBuffer(string: "hel"))) == [])
        #expect(try channel.received(.body(channel: 1, ByteBuffer(string: "lo "))) == [])
        let delivered = try channel.received(.body(channel: 1, ByteBuffer(string: "world")))
        // The publish tag of a mandatory publish is Footfall's own and is removed; other headers stay.
        let expected = AMQPIncomingMessage(deliveryTag: 7, redelivered: true, exchange: "x", routingKey: "count",
                                           properties: AMQPBasicProperties(contentType: "text/plain", headers: ["site": .string("north")]),
                                           body: ByteBuffer(string: "hello world"))
        #expect(delivered == [.deliver(Self.token(10), expected)])

        // An empty body has no body frame: the header completes the message.
        _ = try channel.received(.method(channel: 1, .basicDeliver(consumerTag: "c1", deliveryTag: 8, redelivered: false,
                                                                    exchange: "x", routingKey: "count")))
        let empty = try channel.received(.header(channel: 1, classID: 60, bodySize: 0, properties: AMQPBasicProperties()))
        #expect(empty == [.deliver(Self.token(10), AMQPIncomingMessage(deliveryTag: 8, redelivered: false, exchange: "x", routingKey: "count",
                                                                       properties: AMQPBasicProperties(), body: ByteBuffer()))])
    }

    @Test func aBodyLongerThanAnnouncedIsAProtocolViolation() throws {
        var channel = try Self.openChannel()
        try Self.consume(&channel, tag: "c1", consumer: 10, rpc: 11)
        _ = try channel.received(.method(channel: 1, .basicDeliver(consumerTag: "c1", deliveryTag: 1, redelivered: false,
                                                                    exchange: "x", routingKey: "count")))
        _ = try channel.received(.header(channel: 1, classID: 60, bodySize: 4, properties: AMQPBasicProperties()))
        #expect(try channel.received(.body(channel: 1, ByteBuffer(string: "he"))) == [])
        #expect(throws: AMQPError.protocolViolation("content body longer than announced on channel 1")) {
            try channel.received(.body(channel: 1, ByteBuffer(string: "llo")))
        }
    }

    @Test func framesOutOfOrderAreProtocolViolations() throws {
        var channel = try Self.openChannel()
        #expect(throws: AMQPError.protocolViolation("content header without a content method on channel 1")) {
            try channel.received(.header(channel: 1, classID: 60, bodySize: 1, properties: AMQPBasicProperties()))
        }
        #expect(throws: AMQPError.protocolViolation("content body without a content header on channel 1")) {
            try channel.received(.body(channel: 1, ByteBuffer(string: "x")))
        }
        _ = try channel.received(.method(channel: 1, .basicDeliver(consumerTag: "c1", deliveryTag: 1, redelivered: false,
                                                                    exchange: "x", routingKey: "count")))
        #expect(throws: AMQPError.protocolViolation("method frame inside content on channel 1")) {
            try channel.received(.method(channel: 1, .basicAck(deliveryTag: 1, multiple: false)))
        }
        // A response nobody asked for.
        var other = try Self.openChannel()
        #expect(throws: AMQPError.protocolViolation("unexpected method (classID: 50, methodID: 11) on channel 1")) {
            try other.received(.method(channel: 1, .queueDeclareOk(queue: "q", messageCount: 0, consumerCount: 0)))
        }
    }

    @Test func aChannelClosedByTheServerFailsItsPendingRPCsAndCancelsItsConsumers() throws {
        var channel = try Self.openChannel()
        try Self.consume(&channel, queue: "counts", tag: "c1", consumer: 10, rpc: 11)
        try Self.consume(&channel, queue: "alerts", tag: "c2", consumer: 12, rpc: 13)
        _ = try channel.call(.queueDeclare(queue: "q", passive: true, durable: false, exclusive: false, autoDelete: false,
                                           noWait: false, arguments: [:]), token: Self.token(20))
        _ = try channel.publish(Self.messages(1), tokens: [Self.token(30)])
        let error = AMQPError.channelClosedByServer(replyCode: 404, replyText: "NOT_FOUND - no queue 'q'")
        #expect(try channel.received(.method(channel: 1, .channelClose(replyCode: 404, replyText: "NOT_FOUND - no queue 'q'",
                                                                        classID: 50, methodID: 10))) == [
            .write([.method(channel: 1, .channelCloseOk)]),
            .report(.closedByServer(replyCode: 404, replyText: "NOT_FOUND - no queue 'q'")),
            .fail([Self.token(20), Self.token(30)], error),
            .cancelConsumers([Self.token(10), Self.token(12)], error),
        ])
        #expect(channel.state == .closed)
        #expect(throws: AMQPError.channelClosed) { try channel.call(.basicQos(prefetchSize: 0, prefetchCount: 1, global: false), token: Self.token(40)) }
        // Nothing that arrives later does anything.
        #expect(try channel.received(.method(channel: 1, .basicAck(deliveryTag: 1, multiple: false))) == [])
    }

    @Test func closingByTheClientSucceedsOnCloseOkAndForgetsItsConsumers() throws {
        var channel = try Self.openChannel()
        try Self.consume(&channel, tag: "c1", consumer: 10, rpc: 11)
        _ = try channel.call(.basicQos(prefetchSize: 0, prefetchCount: 1, global: false), token: Self.token(20))
        #expect(channel.close(token: Self.token(40))
                == [.write([.method(channel: 1, .channelClose(replyCode: 200, replyText: "Goodbye", classID: 0, methodID: 0))])])
        #expect(channel.close(token: Self.token(41)) == [])
        #expect(throws: AMQPError.channelClosed) { try channel.send(.basicAck(deliveryTag: 1, multiple: false)) }
        #expect(try channel.received(.method(channel: 1, .channelCloseOk)) == [
            .succeed(Self.token(40)), .succeed(Self.token(41)),
            .fail([Self.token(20)], .channelClosed),
            .forgetConsumers([Self.token(10)]),
        ])
        #expect(channel.close(token: Self.token(42)) == [.succeed(Self.token(42))])
    }

    @Test func aBrokerCancelEndsThatConsumerWithItsQueue() throws {
        var channel = try Self.openChannel()
        try Self.consume(&channel, queue: "counts", tag: "c1", consumer: 10, rpc: 11)
        try Self.consume(&channel, queue: "alerts", tag: "c2", consumer: 12, rpc: 13)
        #expect(try channel.received(.method(channel: 1, .basicCancel(consumerTag: "c1", noWait: true)))
                == [.cancelConsumers([Self.token(10)], .consumerCancelled(queue: "counts"))])
        // A delivery still on its way to the cancelled consumer is dropped; the other consumer goes on.
        _ = try channel.received(.method(channel: 1, .basicDeliver(consumerTag: "c1", deliveryTag: 1, redelivered: false,
                                                                    exchange: "", routingKey: "counts")))
        #expect(try channel.received(.header(channel: 1, classID: 60, bodySize: 0, properties: AMQPBasicProperties())) == [])
        _ = try channel.received(.method(channel: 1, .basicDeliver(consumerTag: "c2", deliveryTag: 2, redelivered: false,
                                                                    exchange: "", routingKey: "alerts")))
        let delivered = try channel.received(.header(channel: 1, classID: 60, bodySize: 0, properties: AMQPBasicProperties()))
        #expect(delivered.count == 1)
        if case .deliver(let consumer, let message) = delivered.first {
            #expect(consumer == Self.token(12))
            #expect(message.deliveryTag == 2)
        } else {
            Issue.record("expected a delivery, got \(delivered)")
        }
    }

    @Test func responsesAnswerTheRPCsInOrderAndGetOkCarriesItsMessage() throws {
        var channel = try Self.openChannel()
        _ = try channel.call(.basicGet(queue: "q", noAck: false), token: Self.token(1))
        _ = try channel.call(.basicGet(queue: "q", noAck: false), token: Self.token(2))
        let getOk = AMQPMethod.basicGetOk(deliveryTag: 4, redelivered: false, exchange: "x", routingKey: "count", messageCount: 0)
        _ = try channel.received(.method(channel: 1, getOk))
        _ = try channel.received(.header(channel: 1, classID: 60, bodySize: 3, properties: AMQPBasicProperties(messageID: "m-1")))
        let message = AMQPIncomingMessage(deliveryTag: 4, redelivered: false, exchange: "x", routingKey: "count",
                                          properties: AMQPBasicProperties(messageID: "m-1"), body: ByteBuffer(string: "one"))
        #expect(try channel.received(.body(channel: 1, ByteBuffer(string: "one"))) == [.respond(Self.token(1), AMQPResponse(method: getOk, message: message))])
        #expect(try channel.received(.method(channel: 1, .basicGetEmpty)) == [.respond(Self.token(2), AMQPResponse(method: .basicGetEmpty))])
    }

    @Test func publishedBodiesAreCutToTheFrameMax() throws {
        var channel = try Self.openChannel(frameMax: 4_096)
        let body = ByteBuffer(bytes: (0..<10_000).map { UInt8(truncatingIfNeeded: $0) })
        let written = try channel.publish([AMQPMessage(exchange: "x", routingKey: "k", body: body)], tokens: [Self.token(1)])
        guard case .write(let frames) = try #require(written.first) else { Issue.record("expected a write"); return }
        let pieces = frames.compactMap { frame -> ByteBuffer? in
            if case .body(_, let piece) = frame { return piece }
            return nil
        }
        #expect(pieces.map(\.readableBytes) == [4_088, 4_088, 1_824])
        #expect(pieces.reduce(into: ByteBuffer()) { whole, piece in var piece = piece; whole.writeBuffer(&piece) } == body)
    }
}
