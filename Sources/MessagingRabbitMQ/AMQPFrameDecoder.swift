import NIOCore

/// Decodes bytes into `AMQPFrame`s, checking the frame-end octet and the negotiated maximum frame size.
public struct AMQPFrameDecoder: ByteToMessageDecoder, Sendable {
    /// The frames produced.
    public typealias InboundOut = AMQPFrame

    /// The largest frame accepted, including the 8 bytes of framing.
    public var maxFrameSize: Int

    /// Creates a decoder refusing frames larger than `maxFrameSize` bytes (framing included).
    public init(maxFrameSize: Int = 131_072) {
        self.maxFrameSize = maxFrameSize
    }

    /// Decodes one frame if a whole one is buffered.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.decodeFrame(from: &buffer, maxFrameSize: maxFrameSize) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    /// Decodes what is left when the connection ends; a partial frame there is simply dropped.
    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// Reads one whole frame from `buffer`, or returns nil (consuming nothing) if more bytes are needed.
    public static func decodeFrame(from buffer: inout ByteBuffer, maxFrameSize: Int) throws -> AMQPFrame? {
        // A server that does not speak 0-9-1 answers with its own protocol header instead of a frame.
        if buffer.readableBytes >= 4, buffer.getString(at: buffer.readerIndex, length: 4) == "AMQP" {
            throw AMQPError.protocolViolation("the server rejected AMQP 0-9-1 and offered another protocol version")
        }
        guard buffer.readableBytes >= 7,
              let typeOctet = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let channel = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt16.self),
              let size = buffer.getInteger(at: buffer.readerIndex + 3, as: UInt32.self)
        else { return nil }
        guard Int(size) + AMQPFrame.overhead <= maxFrameSize else {
            throw AMQPError.protocolViolation("frame of \(Int(size) + AMQPFrame.overhead) bytes exceeds frame max \(maxFrameSize)")
        }
        guard buffer.readableBytes >= Int(size) + AMQPFrame.overhead else { return nil }
        guard buffer.getInteger(at: buffer.readerIndex + 7 + Int(size), as: UInt8.self) == AMQPFrame.frameEnd else {
            throw AMQPError.protocolViolation("frame does not end with 0xCE")
        }
        buffer.moveReaderIndex(forwardBy: 7)
        var payload = buffer.readSlice(length: Int(size))!
        buffer.moveReaderIndex(forwardBy: 1)
        guard let type = AMQPFrame.FrameType(rawValue: typeOctet) else {
            throw AMQPError.protocolViolation("unknown frame type \(typeOctet)")
        }
        switch type {
        case .method:
            let method = try AMQPMethod.decode(from: &payload)
            return .method(channel: channel, method)
        case .header:
            let classID = try payload.readAMQPShort()
            _ = try payload.readAMQPShort()
            let bodySize = try payload.readAMQPLongLong()
            let properties = try AMQPBasicProperties.decode(from: &payload)
            return .header(channel: channel, classID: classID, bodySize: bodySize, properties: properties)
        case .body:
            return .body(channel: channel, payload)
        case .heartbeat:
            guard channel == 0 else { throw AMQPError.protocolViolation("heartbeat on channel \(channel)") }
            return .heartbeat
        }
    }
}
