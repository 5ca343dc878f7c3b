import NIOCore

extension AMQPMethod {
    /// Class and method ids from the specification.
    var ids: (classID: UInt16, methodID: UInt16) {
        switch self {
        case .connectionStart: return (10, 10)
        case .connectionStartOk: return (10, 11)
        case .connectionTune: return (10, 30)
        case .connectionTuneOk: return (10, 31)
        case .connectionOpen: return (10, 40)
        case .connectionOpenOk: return (10, 41)
        case .connectionClose: return (10, 50)
        case .connectionCloseOk: return (10, 51)
        case .connectionBlocked: return (10, 60)
        case .connectionUnblocked: return (10, 61)
        case .channelOpen: return (20, 10)
        case .channelOpenOk: return (20, 11)
        case .channelFlow: return (20, 20)
        case .channelFlowOk: return (20, 21)
        case .channelClose: return (20, 40)
        case .channelCloseOk: return (20, 41)
        case .exchangeDeclare: return (40, 10)
        case .exchangeDeclareOk: return (40, 11)
        case .exchangeDelete: return (40, 20)
        case .exchangeDeleteOk: return (40, 21)
        case .queueDeclare: return (50, 10)
        case .queueDeclareOk: return (50, 11)
        case .queueBind: return (50, 20)
        case .queueBindOk: return (50, 21)
        case .queuePurge: return (50, 30)
        case .queuePurgeOk: return (50, 31)
        case .queueDelete: return (50, 40)
        case .queueDeleteOk: return (50, 41)
        case .basicQos: return (60, 10)
        case .basicQosOk: return (60, 11)
        case .basicConsume: return (60, 20)
        case .basicConsumeOk: return (60, 21)
        case .basicCancel: return (60, 30)
        case .basicCancelOk: return (60, 31)
        case .basicPublish: return (60, 40)
        case .basicReturn: return (60, 50)
        case .basicDeliver: return (60, 60)
        case .basicGet: return (60, 70)
        case .basicGetOk: return (60, 71)
        case .basicGetEmpty: return (60, 72)
        case .basicAck: return (60, 80)
        case .basicReject: return (60, 90)
        case .basicNack: return (60, 120)
        case .confirmSelect: return (85, 10)
        case .confirmSelectOk: return (85, 11)
        }
    }

    /// Whether the method is followed by a content header and body.
    var hasContent: Bool {
        switch self {
        case .basicPublish, .basicReturn, .basicDeliver, .basicGetOk: return true
        default: return false
        }
    }

    func encode(into buffer: inout ByteBuffer) throws {
        let (classID, methodID) = ids
        buffer.writeInteger(classID)
        buffer.writeInteger(methodID)
        switch self {
        case .connectionStart(let major, let minor, let properties, let mechanisms, let locales):
            buffer.writeInteger(major)
            buffer.writeInteger(minor)
            try buffer.writeAMQPFieldTable(properties)
            buffer.writeAMQPLongString(mechanisms)
            buffer.writeAMQPLongString(locales)
        case .connectionStartOk(let properties, let mechanism, let response, let locale):
            try buffer.writeAMQPFieldTable(properties)
            try buffer.writeAMQPShortString(mechanism)
            buffer.writeAMQPLongBytes(response)
            try buffer.writeAMQPShortString(locale)
        case .connectionTune(let channelMax, let frameMax, let heartbeat),
             .connectionTuneOk(let channelMax, let frameMax, let heartbeat):
            buffer.writeInteger(channelMax)
            buffer.writeInteger(frameMax)
            buffer.writeInteger(heartbeat)
        case .connectionOpen(let virtualHost):
            try buffer.writeAMQPShortString(virtualHost)
            try buffer.writeAMQPShortString("")
            buffer.writeInteger(UInt8(0))
        case .connectionOpenOk:
            try buffer.writeAMQPShortString("")
        case .connectionClose(let code, let text, let cls, let method),
             .channelClose(let code, let text, let cls, let method):
            buffer.writeInteger(code)
            try buffer.writeAMQPShortString(text)
            buffer.writeInteger(cls)
            buffer.writeInteger(method)
        case .connectionCloseOk, .connectionUnblocked, .channelCloseOk, .exchangeDeclareOk, .exchangeDeleteOk,
             .queueBindOk, .basicQosOk, .confirmSelectOk:
            break
        case .connectionBlocked(let reason):
            try buffer.writeAMQPShortString(reason)
        case .channelOpen:
            try buffer.writeAMQPShortString("")
        case .channelOpenOk:
            buffer.writeAMQPLongString("")
        case .channelFlow(let active), .channelFlowOk(let active):
            buffer.writeBits(active)
        case .exchangeDeclare(let exchange, let type, let passive, let durable, let autoDelete, let isInternal, let noWait, let arguments):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(exchange)
            try buffer.writeAMQPShortString(type)
            buffer.writeBits(passive, durable, autoDelete, isInternal, noWait)
            try buffer.writeAMQPFieldTable(arguments)
        case .exchangeDelete(let exchange, let ifUnused, let noWait):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(exchange)
            buffer.writeBits(ifUnused, noWait)
        case .queueDeclare(let queue, let passive, let durable, let exclusive, let autoDelete, let noWait, let arguments):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(queue)
            buffer.writeBits(passive, durable, exclusive, autoDelete, noWait)
            try buffer.writeAMQPFieldTable(arguments)
        case .queueDeclareOk(let queue, let messageCount, let consumerCount):
            try buffer.writeAMQPShortString(queue)
            buffer.writeInteger(messageCount)
            buffer.writeInteger(consumerCount)
        case .queueBind(let queue, let exchange, let routingKey, let noWait, let arguments):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(queue)
            try buffer.writeAMQPShortString(exchange)
            try buffer.writeAMQPShortString(routingKey)
            buffer.writeBits(noWait)
            try buffer.writeAMQPFieldTable(arguments)
        case .queuePurge(let queue, let noWait):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(queue)
            buffer.writeBits(noWait)
        case .queuePurgeOk(let count), .queueDeleteOk(let count):
            buffer.writeInteger(count)
        case .queueDelete(let queue, let ifUnused, let ifEmpty, let noWait):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(queue)
            buffer.writeBits(ifUnused, ifEmpty, noWait)
        case .basicQos(let size, let count, let global):
            buffer.writeInteger(size)
            buffer.writeInteger(count)
            buffer.writeBits(global)
        case .basicConsume(let queue, let tag, let noLocal, let noAck, let exclusive, let noWait, let arguments):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(queue)
            try buffer.writeAMQPShortString(tag)
            buffer.writeBits(noLocal, noAck, exclusive, noWait)
            try buffer.writeAMQPFieldTable(arguments)
        case .basicConsumeOk(let tag), .basicCancelOk(let tag):
            try buffer.writeAMQPShortString(tag)
        case .basicCancel(let tag, let noWait):
            try buffer.writeAMQPShortString(tag)
            buffer.writeBits(noWait)
        case .basicPublish(let exchange, let routingKey, let mandatory, let immediate):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(exchange)
            try buffer.writeAMQPShortString(routingKey)
            buffer.writeBits(mandatory, immediate)
        case .basicReturn(let code, let text, let exchange, let routingKey):
            buffer.writeInteger(code)
            try buffer.writeAMQPShortString(text)
            try buffer.writeAMQPShortString(exchange)
            try buffer.writeAMQPShortString(routingKey)
        case .basicDeliver(let tag, let deliveryTag, let redelivered, let exchange, let routingKey):
            try buffer.writeAMQPShortString(tag)
            buffer.writeInteger(deliveryTag)
            buffer.writeBits(redelivered)
            try buffer.writeAMQPShortString(exchange)
            try buffer.writeAMQPShortString(routingKey)
        case .basicGet(let queue, let noAck):
            buffer.writeInteger(UInt16(0))
            try buffer.writeAMQPShortString(queue)
            buffer.writeBits(noAck)
        case .basicGetOk(let deliveryTag, let redelivered, let exchange, let routingKey, let messageCount):
            buffer.writeInteger(deliveryTag)
            buffer.writeBits(redelivered)
            try buffer.writeAMQPShortString(exchange)
            try buffer.writeAMQPShortString(routingKey)
            buffer.writeInteger(messageCount)
        case .basicGetEmpty:
            try buffer.writeAMQPShortString("")
        case .basicAck(let tag, let multiple):
            buffer.writeInteger(tag)
            buffer.writeBits(multiple)
        case .basicReject(let tag, let requeue):
            buffer.writeInteger(tag)
            buffer.writeBits(requeue)
        case .basicNack(let tag, let multiple, let requeue):
            buffer.writeInteger(tag)
            buffer.writeBits(multiple, requeue)
        case .confirmSelect(let noWait):
            buffer.writeBits(noWait)
        }
    }

    static func decode(from buffer: inout ByteBuffer) throws -> AMQPMethod {
        let classID = try buffer.readAMQPShort()
        let methodID = try buffer.readAMQPShort()
        switch (classID, methodID) {
        case (10, 10):
            let major = try buffer.readAMQPOctet()
            let minor = try buffer.readAMQPOctet()
            let properties = try buffer.readAMQPFieldTable()
            let mechanisms = try buffer.readAMQPLongString()
            return .connectionStart(versionMajor: major, versionMinor: minor, serverProperties: properties,
                                    mechanisms: mechanisms, locales: try buffer.readAMQPLongString())
        case (10, 11):
            let properties = try buffer.readAMQPFieldTable()
            let mechanism = try buffer.readAMQPShortString()
            let response = try buffer.readAMQPLongBytes()
            return .connectionStartOk(clientProperties: properties, mechanism: mechanism, response: response,
                                      locale: try buffer.readAMQPShortString())
        case (10, 30), (10, 31):
            let channelMax = try buffer.readAMQPShort()
            let frameMax = try buffer.readAMQPLong()
            let heartbeat = try buffer.readAMQPShort()
            return methodID == 30
                ? .connectionTune(channelMax: channelMax, frameMax: frameMax, heartbeat: heartbeat)
                : .connectionTuneOk(channelMax: channelMax, frameMax: frameMax, heartbeat: heartbeat)
        case (10, 40):
            let vhost = try buffer.readAMQPShortString()
            _ = try buffer.readAMQPShortString()
            _ = try buffer.readAMQPOctet()
            return .connectionOpen(virtualHost: vhost)
        case (10, 41):
            _ = try buffer.readAMQPShortString()
            return .connectionOpenOk
        case (10, 50), (20, 40):
            let code = try buffer.readAMQPShort()
            let text = try buffer.readAMQPShortString()
            let cls = try buffer.readAMQPShort()
            let method = try buffer.readAMQPShort()
            return classID == 10
                ? .connectionClose(replyCode: code, replyText: text, classID: cls, methodID: method)
                : .channelClose(replyCode: code, replyText: text, classID: cls, methodID: method)
        case (10, 51): return .connectionCloseOk
        case (10, 60): return .connectionBlocked(reason: try buffer.readAMQPShortString())
        case (10, 61): return .connectionUnblocked
        case (20, 10):
            _ = try buffer.readAMQPShortString()
            return .channelOpen
        case (20, 11):
            _ = try buffer.readAMQPLongBytes()
            return .channelOpenOk
        case (20, 20): return .channelFlow(active: try buffer.readBits(1)[0])
        case (20, 21): return .channelFlowOk(active: try buffer.readBits(1)[0])
        case (20, 41): return .channelCloseOk
        case (40, 10):
            _ = try buffer.readAMQPShort()
            let exchange = try buffer.readAMQPShortString()
            let type = try buffer.readAMQPShortString()
            let bits = try buffer.readBits(5)
            return .exchangeDeclare(exchange: exchange, type: type, passive: bits[0], durable: bits[1], autoDelete: bits[2],
                                    internal: bits[3], noWait: bits[4], arguments: try buffer.readAMQPFieldTable())
        case (40, 11): return .exchangeDeclareOk
        case (40, 20):
            _ = try buffer.readAMQPShort()
            let exchange = try buffer.readAMQPShortString()
            let bits = try buffer.readBits(2)
            return .exchangeDelete(exchange: exchange, ifUnused: bits[0], noWait: bits[1])
        case (40, 21): return .exchangeDeleteOk
        case (50, 10):
            _ = try buffer.readAMQPShort()
            let queue = try buffer.readAMQPShortString()
            let bits = try buffer.readBits(5)
            return .queueDeclare(queue: queue, passive: bits[0], durable: bits[1], exclusive: bits[2], autoDelete: bits[3],
                                 noWait: bits[4], arguments: try buffer.readAMQPFieldTable())
        case (50, 11):
            let queue = try buffer.readAMQPShortString()
            let messages = try buffer.readAMQPLong()
            return .queueDeclareOk(queue: queue, messageCount: messages, consumerCount: try buffer.readAMQPLong())
        case (50, 20):
            _ = try buffer.readAMQPShort()
            let queue = try buffer.readAMQPShortString()
            let exchange = try buffer.readAMQPShortString()
            let routingKey = try buffer.readAMQPShortString()
            let noWait = try buffer.readBits(1)[0]
            return .queueBind(queue: queue, exchange: exchange, routingKey: routingKey, noWait: noWait,
                              arguments: try buffer.readAMQPFieldTable())
        case (50, 21): return .queueBindOk
        case (50, 30):
            _ = try buffer.readAMQPShort()
            let queue = try buffer.readAMQPShortString()
            return .queuePurge(queue: queue, noWait: try buffer.readBits(1)[0])
        case (50, 31): return .queuePurgeOk(messageCount: try buffer.readAMQPLong())
        case (50, 40):
            _ = try buffer.readAMQPShort()
            let queue = try buffer.readAMQPShortString()
            let bits = try buffer.readBits(3)
            return .queueDelete(queue: queue, ifUnused: bits[0], ifEmpty: bits[1], noWait: bits[2])
        case (50, 41): return .queueDeleteOk(messageCount: try buffer.readAMQPLong())
        case (60, 10):
            let size = try buffer.readAMQPLong()
            let count = try buffer.readAMQPShort()
            return .basicQos(prefetchSize: size, prefetchCount: count, global: try buffer.readBits(1)[0])
        case (60, 11): return .basicQosOk
        case (60, 20):
            _ = try buffer.readAMQPShort()
            let queue = try buffer.readAMQPShortString()
            let tag = try buffer.readAMQPShortString()
            let bits = try buffer.readBits(4)
            return .basicConsume(queue: queue, consumerTag: tag, noLocal: bits[0], noAck: bits[1], exclusive: bits[2],
                                 noWait: bits[3], arguments: try buffer.readAMQPFieldTable())
        case (60, 21): return .basicConsumeOk(consumerTag: try buffer.readAMQPShortString())
        case (60, 30):
            let tag = try buffer.readAMQPShortString()
            return .basicCancel(consumerTag: tag, noWait: try buffer.readBits(1)[0])
        case (60, 31): return .basicCancelOk(consumerTag: try buffer.readAMQPShortString())
        case (60, 40):
            _ = try buffer.readAMQPShort()
            let exchange = try buffer.readAMQPShortString()
            let routingKey = try buffer.readAMQPShortString()
            let bits = try buffer.readBits(2)
            return .basicPublish(exchange: exchange, routingKey: routingKey, mandatory: bits[0], immediate: bits[1])
        case (60, 50):
            let code = try buffer.readAMQPShort()
            let text = try buffer.readAMQPShortString()
            let exchange = try buffer.readAMQPShortString()
            return .basicReturn(replyCode: code, replyText: text, exchange: exchange, routingKey: try buffer.readAMQPShortString())
        case (60, 60):
            let tag = try buffer.readAMQPShortString()
            let deliveryTag = try buffer.readAMQPLongLong()
            let redelivered = try buffer.readBits(1)[0]
            let exchange = try buffer.readAMQPShortString()
            return .basicDeliver(consumerTag: tag, deliveryTag: deliveryTag, redelivered: redelivered, exchange: exchange,
                                 routingKey: try buffer.readAMQPShortString())
        case (60, 70):
            _ = try buffer.readAMQPShort()
            let queue = try buffer.readAMQPShortString()
            return .basicGet(queue: queue, noAck: try buffer.readBits(1)[0])
        case (60, 71):
            let deliveryTag = try buffer.readAMQPLongLong()
            let redelivered = try buffer.readBits(1)[0]
            let exchange = try buffer.readAMQPShortString()
            let routingKey = try buffer.readAMQPShortString()
            return .basicGetOk(deliveryTag: deliveryTag, redelivered: redelivered, exchange: exchange, routingKey: routingKey,
                               messageCount: try buffer.readAMQPLong())
        case (60, 72):
            _ = try buffer.readAMQPShortString()
            return .basicGetEmpty
        case (60, 80):
            let tag = try buffer.readAMQPLongLong()
            return .basicAck(deliveryTag: tag, multiple: try buffer.readBits(1)[0])
        case (60, 90):
            let tag = try buffer.readAMQPLongLong()
            return .basicReject(deliveryTag: tag, requeue: try buffer.readBits(1)[0])
        case (60, 120):
            let tag = try buffer.readAMQPLongLong()
            let bits = try buffer.readBits(2)
            return .basicNack(deliveryTag: tag, multiple: bits[0], requeue: bits[1])
        case (85, 10): return .confirmSelect(noWait: try buffer.readBits(1)[0])
        case (85, 11): return .confirmSelectOk
        default:
            throw AMQPError.protocolViolation("unknown method \(classID).\(methodID)")
        }
    }
}

extension ByteBuffer {
    /// Writes consecutive bit arguments packed into one octet, first argument in the lowest bit.
    mutating func writeBits(_ bits: Bool...) {
        var octet: UInt8 = 0
        for (index, bit) in bits.enumerated() where bit {
            octet |= 1 << UInt8(index)
        }
        writeInteger(octet)
    }

    mutating func readBits(_ count: Int) throws -> [Bool] {
        let octet = try readAMQPOctet()
        return (0..<count).map { octet & (1 << UInt8($0)) != 0 }
    }
}
