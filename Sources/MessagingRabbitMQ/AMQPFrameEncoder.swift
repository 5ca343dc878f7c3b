import NIOCore

/// Encodes `AMQPFrame`s into bytes: type, channel, payload size, payload, frame-end octet.
public struct AMQPFrameEncoder: MessageToByteEncoder, Sendable {
    /// The frames to encode.
    public typealias OutboundIn = AMQPFrame

    /// Creates an encoder.
    public init() {}

    /// Appends the encoding of `frame` to `out`.
    public func encode(data frame: AMQPFrame, out: inout ByteBuffer) throws {
        try Self.encode(frame, into: &out)
    }

    /// Appends the encoding of `frame` to `buffer`.
    public static func encode(_ frame: AMQPFrame, into buffer: inout ByteBuffer) throws {
        let type: AMQPFrame.FrameType
        switch frame {
        case .method: type = .method
        case .header: type = .header
        case .body: type = .body
        case .heartbeat: type = .heartbeat
        }
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(frame.channel)
        let sizeIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        switch frame {
        case .method(_, let method):
            try method.encode(into: &buffer)
        case .header(_, let classID, let bodySize, let properties):
            buffer.writeInteger(classID)
            buffer.writeInteger(UInt16(0))
            buffer.writeInteger(bodySize)
            try properties.encode(into: &buffer)
        case .body(_, var body):
            buffer.writeBuffer(&body)
        case .heartbeat:
            break
        }
        buffer.setInteger(UInt32(buffer.writerIndex - sizeIndex - 4), at: sizeIndex)
        buffer.writeInteger(AMQPFrame.frameEnd)
    }
}
