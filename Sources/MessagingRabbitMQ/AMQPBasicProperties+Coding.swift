import Foundation
import NIOCore

extension AMQPBasicProperties {
    // Property flag bits, most significant first, in the order the properties are encoded.
    private enum Flag {
        static let contentType: UInt16 = 1 << 15
        static let contentEncoding: UInt16 = 1 << 14
        static let headers: UInt16 = 1 << 13
        static let deliveryMode: UInt16 = 1 << 12
        static let priority: UInt16 = 1 << 11
        static let correlationID: UInt16 = 1 << 10
        static let replyTo: UInt16 = 1 << 9
        static let expiration: UInt16 = 1 << 8
        static let messageID: UInt16 = 1 << 7
        static let timestamp: UInt16 = 1 << 6
        static let type: UInt16 = 1 << 5
        static let userID: UInt16 = 1 << 4
        static let appID: UInt16 = 1 << 3
        static let clusterID: UInt16 = 1 << 2
    }

    func encode(into buffer: inout ByteBuffer) throws {
        var flags: UInt16 = 0
        if contentType != nil { flags |= Flag.contentType }
        if contentEncoding != nil { flags |= Flag.contentEncoding }
        if headers != nil { flags |= Flag.headers }
        if deliveryMode != nil { flags |= Flag.deliveryMode }
        if priority != nil { flags |= Flag.priority }
        if correlationID != nil { flags |= Flag.correlationID }
        if replyTo != nil { flags |= Flag.replyTo }
        if expiration != nil { flags |= Flag.expiration }
        if messageID != nil { flags |= Flag.messageID }
        if timestamp != nil { flags |= Flag.timestamp }
        if type != nil { flags |= Flag.type }
        if userID != nil { flags |= Flag.userID }
        if appID != nil { flags |= Flag.appID }
        if clusterID != nil { flags |= Flag.clusterID }
        buffer.writeInteger(flags)
        if let contentType { try buffer.writeAMQPShortString(contentType) }
        if let contentEncoding { try buffer.writeAMQPShortString(contentEncoding) }
        if let headers { try buffer.writeAMQPFieldTable(headers) }
        if let deliveryMode { buffer.writeInteger(deliveryMode) }
        if let priority { buffer.writeInteger(priority) }
        if let correlationID { try buffer.writeAMQPShortString(correlationID) }
        if let replyTo { try buffer.writeAMQPShortString(replyTo) }
        if let expiration { try buffer.writeAMQPShortString(expiration) }
        if let messageID { try buffer.writeAMQPShortString(messageID) }
        if let timestamp { buffer.writeInteger(UInt64(max(0, timestamp.timeIntervalSince1970.rounded(.down)))) }
        if let type { try buffer.writeAMQPShortString(type) }
        if let userID { try buffer.writeAMQPShortString(userID) }
        if let appID { try buffer.writeAMQPShortString(appID) }
        if let clusterID { try buffer.writeAMQPShortString(clusterID) }
    }

    static func decode(from buffer: inout ByteBuffer) throws -> AMQPBasicProperties {
        let flags = try buffer.readAMQPShort()
        // Bit 0 would announce a second flags word; the basic class has only 14 properties.
        guard flags & 1 == 0 else { throw AMQPError.protocolViolation("unexpected continued property flags") }
        var p = AMQPBasicProperties()
        if flags & Flag.contentType != 0 { p.contentType = try buffer.readAMQPShortString() }
        if flags & Flag.contentEncoding != 0 { p.contentEncoding = try buffer.readAMQPShortString() }
        if flags & Flag.headers != 0 { p.headers = try buffer.readAMQPFieldTable() }
        if flags & Flag.deliveryMode != 0 { p.deliveryMode = try buffer.readAMQPOctet() }
        if flags & Flag.priority != 0 { p.priority = try buffer.readAMQPOctet() }
        if flags & Flag.correlationID != 0 { p.correlationID = try buffer.readAMQPShortString() }
        if flags & Flag.replyTo != 0 { p.replyTo = try buffer.readAMQPShortString() }
        if flags & Flag.expiration != 0 { p.expiration = try buffer.readAMQPShortString() }
        if flags & Flag.messageID != 0 { p.messageID = try buffer.readAMQPShortString() }
        if flags & Flag.timestamp != 0 {
            p.timestamp = Date(timeIntervalSince1970: TimeInterval(try buffer.readAMQPLongLong()))
        }
        if flags & Flag.type != 0 { p.type = try buffer.readAMQPShortString() }
        if flags & Flag.userID != 0 { p.userID = try buffer.readAMQPShortString() }
        if flags & Flag.appID != 0 { p.appID = try buffer.readAMQPShortString() }
        if flags & Flag.clusterID != 0 { p.clusterID = try buffer.readAMQPShortString() }
        return p
    }
}
