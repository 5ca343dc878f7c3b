import NIOCore

extension AMQPFrame {
    /// The content header and body frames of one message, the body cut into pieces that fit in `frameMax`.
    static func contentFrames(channel: UInt16, properties: AMQPBasicProperties, body: ByteBuffer, frameMax: UInt32) -> [AMQPFrame] {
        let maxBody = Int(frameMax) - overhead
        var frames: [AMQPFrame] = [.header(channel: channel, classID: 60, bodySize: UInt64(body.readableBytes), properties: properties)]
        var body = body
        while body.readableBytes > 0 {
            frames.append(.body(channel: channel, body.readSlice(length: min(maxBody, body.readableBytes))!))
        }
        return frames
    }
}
