import Foundation
import FootfallTestSupport
import NIOCore
import NIOEmbedded
import Testing
@testable import MessagingRabbitMQ

@Suite struct AMQPFrameDecoderTests {
    static let sampleTable: AMQPFieldTable = ["x-match": .string("all"), "count": .int64(3), "nested": .table(["ok": .bool(true)])]

    /// One frame of every type and every method the client knows.
    static let allFrames: [AMQPFrame] = {
        let methods: [AMQPMethod] = [
            .connectionStart(versionMajor: 0, versionMinor: 9, serverProperties: sampleTable, mechanisms: "PLAIN AMQPLAIN", locales: "en_US"),
            .connectionStartOk(clientProperties: sampleTable, mechanism: "PLAIN", response: [0, 117, 0, 112], locale: "en_US"),
            .connectionTune(channelMax: 2_047, frameMax: 131_072, heartbeat: 60),
            .connectionTuneOk(channelMax: 2_047, frameMax: 131_072, heartbeat: 30),
            .connectionOpen(virtualHost: "/"), .connectionOpenOk,
            .connectionClose(replyCode: 320, replyText: "CONNECTION_FORCED - test", classID: 0, methodID: 0),
            .connectionCloseOk, .connectionBlocked(reason: "low on memory"), .connectionUnblocked,
            .channelOpen, .channelOpenOk, .channelFlow(active: true), .channelFlowOk(active: false),
            .channelClose(replyCode: 404, replyText: "NOT_FOUND - no queue 'q'", classID: 50, methodID: 10), .channelCloseOk,
            .exchangeDeclare(exchange: "footfall.events", type: "topic", passive: false, durable: true, autoDelete: false,
                             internal: true, noWait: false, arguments: ["alternate-exchange": .string("ae")]),
            .exchangeDeclareOk, .exchangeDelete(exchange: "footfall.events", ifUnused: true, noWait: false), .exchangeDeleteOk,
            .queueDeclare(queue: "footfall.counts", passive: false, durable: true, exclusive: false, autoDelete: true, noWait: false,
                          arguments: ["x-message-ttl": .int64(60_000), "x-dead-letter-exchange": .string("footfall.dlx")]),
            .queueDeclareOk(queue: "footfall.counts", messageCount: 12, consumerCount: 1),
            .queueBind(queue: "q", exchange: "x", routingKey: "site.*", noWait: false, arguments: [:]), .queueBindOk,
            .queuePurge(queue: "q", noWait: false), .queuePurgeOk(messageCount: 7),
            .queueDelete(queue: "q", ifUnused: false, ifEmpty: true, noWait: false), .queueDeleteOk(messageCount: 3),
            .basicQos(prefetchSize: 0, prefetchCount: 1_000, global: false), .basicQosOk,
            .basicConsume(queue: "q", consumerTag: "c1", noLocal: false, noAck: false, exclusive: true, noWait: false, arguments: [:]),
            .basicConsumeOk(consumerTag: "c1"), .basicCancel(consumerTag: "c1", noWait: false), .basicCancelOk(consumerTag: "c1"),
            .basicPublish(exchange: "x", routingKey: "site.1", mandatory: true, immediate: false),
            .basicReturn(replyCode: 312, replyText: "NO_ROUTE", exchange: "x", routingKey: "nowhere"),
            .basicDeliver(consumerTag: "c1", deliveryTag: 1 << 40, redelivered: true, exchange: "x", routingKey: "site.1"),
            .basicGet(queue: "q", noAck: false),
            .basicGetOk(deliveryTag: 5, redelivered: false, exchange: "", routingKey: "q", messageCount: 9), .basicGetEmpty,
            .basicAck(deliveryTag: 42, multiple: true), .basicReject(deliveryTag: 43, requeue: false),
            .basicNack(deliveryTag: 44, multiple: false, requeue: true),
            .confirmSelect(noWait: false), .confirmSelectOk,
        ]
        let properties = AMQPBasicProperties(
            contentType: "application/json", contentEncoding: "utf-8", headers: sampleTable, deliveryMode: 2, priority: 5,
            correlationID: "corr", replyTo: "replies", expiration: "60000", messageID: "m-1",
            timestamp: Date(timeIntervalSince1970: 1_764_000_000), type: "count.crossed", userID: "guest", appID: "footfall",
            clusterID: "")
        return methods.enumerated().map { .method(channel: UInt16($0.offset % 3), $0.element) } + [
            .header(channel: 1, classID: 60, bodySize: 11, properties: properties),
            .header(channel: 1, classID: 60, bodySize: 0, properties: AMQPBasicProperties()),
            .body(channel: 1, ByteBuffer(string: "hello world")),
            .heartbeat,
        ]
    }()

    static func encode(_ frames: [AMQPFrame]) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        for frame in frames { try AMQPFrameEncoder.encode(frame, into: &buffer) }
        return buffer
    }

    /// Feeds the chunks through a real decoder in an embedded pipeline and collects the frames.
    static func decode(_ chunks: [ByteBuffer], maxFrameSize: Int = 131_072) throws -> [AMQPFrame] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(AMQPFrameDecoder(maxFrameSize: maxFrameSize)))
        defer { _ = try? channel.finish() }
        var frames: [AMQPFrame] = []
        for chunk in chunks {
            try channel.writeInbound(chunk)
            while let frame = try channel.readInbound(as: AMQPFrame.self) { frames.append(frame) }
        }
        return frames
    }

    /// The decoder's own steps for long inputs, accumulating as `ByteToMessageHandler` does: it lets other
    /// tasks run after every chunk, because on a two-core machine two long computations would otherwise hold
    /// every thread of the concurrency pool, and every other test in the process would stall behind them. (An
    /// embedded channel cannot be used here: it must stay on one thread, and a task may resume on another.)
    static func decodeYielding(_ chunks: [ByteBuffer], maxFrameSize: Int = 131_072) async throws -> [AMQPFrame] {
        var buffer = ByteBuffer()
        var frames: [AMQPFrame] = []
        for var chunk in chunks {
            buffer.writeBuffer(&chunk)
            while let frame = try AMQPFrameDecoder.decodeFrame(from: &buffer, maxFrameSize: maxFrameSize) { frames.append(frame) }
            buffer.discardReadBytes()
            await Task.yield()
        }
        return frames
    }

    @Test func everyFrameRoundTrips() throws {
        for frame in Self.allFrames {
            var buffer = try Self.encode([frame])
            let decoded = try AMQPFrameDecoder.decodeFrame(from: &buffer, maxFrameSize: 131_072)
            #expect(decoded == frame)
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test func streamSplitAtEveryBytePositionDecodesTheSameFrames() async throws {
        let stream = try Self.encode(Self.allFrames)
        for split in 0...stream.readableBytes {
            let head = stream.getSlice(at: 0, length: split)!
            let tail = stream.getSlice(at: split, length: stream.readableBytes - split)!
            #expect(try Self.decode([head, tail]) == Self.allFrames, "split at \(split)")
            // Thousands of decodes: other tests' tasks run in between (see `decodeYielding`).
            await Task.yield()
        }
    }

    @Test func streamFedOneByteAtATimeDecodes() async throws {
        let stream = try Self.encode(Self.allFrames)
        let chunks = (0..<stream.readableBytes).map { stream.getSlice(at: $0, length: 1)! }
        #expect(try await Self.decodeYielding(chunks) == Self.allFrames)
    }

    @Test func largeBodyIsSplitIntoFramesAndReassembled() async throws {
        let body = ByteBuffer(bytes: (0..<5_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        await Task.yield()
        let frameMax: UInt32 = 131_072
        let frames = AMQPFrame.contentFrames(channel: 3, properties: .init(contentType: "application/octet-stream"), body: body, frameMax: frameMax)
        let expectedFrames: Int = 1 + (5_000_000 + 131_063) / 131_064
        #expect(frames.count == expectedFrames)
        let stream = try Self.encode(frames)
        await Task.yield()
        // Fed a frame's worth at a time, as a socket would.
        let chunks = stride(from: 0, to: stream.readableBytes, by: Int(frameMax)).map {
            stream.getSlice(at: $0, length: min(Int(frameMax), stream.readableBytes - $0))!
        }
        var reassembled = ByteBuffer()
        var announced: UInt64 = 0
        for frame in try await Self.decodeYielding(chunks, maxFrameSize: Int(frameMax)) {
            switch frame {
            case .header(_, _, let size, _): announced = size
            case .body(_, var piece):
                #expect(piece.readableBytes <= Int(frameMax) - 8)
                reassembled.writeBuffer(&piece)
            default: Issue.record("unexpected frame \(frame)")
            }
        }
        #expect(announced == 5_000_000)
        #expect(reassembled == body)
    }

    @Test func corruptedFramesEndInAFrameAWaitOrAnErrorNeverATrap() throws {
        // Each frame's payload corrupted with its framing left whole, so that method arguments,
        // field tables and properties are parsed from damaged bytes; seeded, to replay a failure.
        let frames = try Self.allFrames.map { Array(try Self.encode([$0]).readableBytesView) }
        var random = SeededRandom(seed: 0xA_3F)
        var decoded = 0, errors = 0
        for round in 0..<20_000 {
            var bytes = frames[round % frames.count]
            let payload = 7..<(bytes.count - 1)
            guard !payload.isEmpty else { continue }
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let value: UInt8 = Bool.random(using: &random) ? .random(in: 0...255, using: &random) : [0, 0xFF, 0x7F, 0x80].randomElement(using: &random)!
                bytes[Int.random(in: payload, using: &random)] = value
            }
            var buffer = ByteBuffer(bytes: bytes)
            do {
                while try AMQPFrameDecoder.decodeFrame(from: &buffer, maxFrameSize: 131_072) != nil { decoded += 1 }
            } catch {
                errors += 1
            }
        }
        #expect(decoded > 1_000 && errors > 1_000, "decoded \(decoded), errors \(errors)")
    }

    @Test func badFrameEndIsAProtocolError() throws {
        var stream = try Self.encode([.method(channel: 0, .connectionCloseOk)])
        stream.setInteger(UInt8(0xAB), at: stream.writerIndex - 1)
        #expect(throws: AMQPError.protocolViolation("frame does not end with 0xCE")) {
            try AMQPFrameDecoder.decodeFrame(from: &stream, maxFrameSize: 131_072)
        }
        #expect(throws: AMQPError.self) { try Self.decode([stream]) }
    }

    @Test func oversizeFrameIsAProtocolErrorBeforeItArrives() throws {
        let stream = try Self.encode([.body(channel: 1, ByteBuffer(repeating: 7, count: 5_000))])
        // Only the 7-byte frame header: the size alone must be refused.
        var head = stream.getSlice(at: 0, length: 7)!
        #expect(throws: AMQPError.self) { try AMQPFrameDecoder.decodeFrame(from: &head, maxFrameSize: 4_096) }
    }

    @Test func unknownFrameTypeAndMethodAreProtocolErrors() throws {
        var badType = ByteBuffer(bytes: [9, 0, 0, 0, 0, 0, 0, 0xCE])
        #expect(throws: AMQPError.protocolViolation("unknown frame type 9")) {
            try AMQPFrameDecoder.decodeFrame(from: &badType, maxFrameSize: 4_096)
        }
        var badMethod = ByteBuffer(bytes: [1, 0, 0, 0, 0, 0, 4, 0, 99, 0, 1, 0xCE])
        #expect(throws: AMQPError.protocolViolation("unknown method 99.1")) {
            try AMQPFrameDecoder.decodeFrame(from: &badMethod, maxFrameSize: 4_096)
        }
    }

    @Test func truncatedMethodArgumentsAreAProtocolError() throws {
        // queue.declare-ok with its counts missing.
        var buffer = ByteBuffer(bytes: [1, 0, 1, 0, 0, 0, 6, 0, 50, 0, 11, 1, 0x71, 0xCE])
        #expect(throws: AMQPError.self) { try AMQPFrameDecoder.decodeFrame(from: &buffer, maxFrameSize: 4_096) }
    }

    @Test func protocolHeaderFromTheServerIsReported() throws {
        var buffer = ByteBuffer(bytes: [65, 77, 81, 80, 0, 0, 9, 1])
        #expect(throws: AMQPError.self) { try AMQPFrameDecoder.decodeFrame(from: &buffer, maxFrameSize: 4_096) }
    }

    @Test func encoderWorksInAPipeline() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(AMQPFrameEncoder()))
        try channel.writeOutbound(AMQPFrame.heartbeat)
        let bytes = try channel.readOutbound(as: ByteBuffer.self)
        #expect(bytes == ByteBuffer(bytes: [8, 0, 0, 0, 0, 0, 0, 0xCE]))
        _ = try channel.finish()
    }
}
