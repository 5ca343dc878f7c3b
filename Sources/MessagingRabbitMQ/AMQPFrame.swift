import NIOCore

/// One AMQP 0-9-1 frame: a method, a content header, a piece of body, or a heartbeat.
public enum AMQPFrame: Sendable, Hashable {
    /// A method frame on a channel (0 for the connection).
    case method(channel: UInt16, AMQPMethod)
    /// A content header: the class, the total body size and the message properties.
    case header(channel: UInt16, classID: UInt16, bodySize: UInt64, properties: AMQPBasicProperties)
    /// A piece of message body; a body is split over as many frames as `frame_max` requires.
    case body(channel: UInt16, ByteBuffer)
    /// A heartbeat (always on channel 0).
    case heartbeat

    /// The frame type octets from the specification.
    enum FrameType: UInt8 {
        case method = 1
        case header = 2
        case body = 3
        case heartbeat = 8
    }

    /// The octet that must end every frame.
    static let frameEnd: UInt8 = 0xCE
    /// Bytes a frame adds around its payload: type, channel, size, and frame-end.
    static let overhead = 8

    /// The channel the frame belongs to.
    public var channel: UInt16 {
        switch self {
        case .method(let channel, _), .header(let channel, _, _, _), .body(let channel, _): return channel
        case .heartbeat: return 0
        }
    }
}
