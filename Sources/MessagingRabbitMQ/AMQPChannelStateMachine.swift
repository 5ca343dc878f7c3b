import NIOCore

/// The protocol state of one AMQP channel, without any I/O: opening and closing, the queue of synchronous methods
/// waiting for their responses, publisher confirms and returns, consumers, and messages assembled from a method frame,
/// a content header and body frames.
///
/// Every event returns the actions that follow from it. Promises and consumer callbacks stay with
/// `AMQPConnectionHandler`; the machine names them by `AMQPToken`. A frame that breaks the protocol throws
/// `AMQPError.protocolViolation`, which ends the whole connection.
struct AMQPChannelStateMachine {
    /// Header carrying the publish sequence number of mandatory messages, so that a basic.return can be matched to
    /// its publish; removed again from every message that arrives.
    static let publishTagHeader = "x-footfall-publish-tag"

    /// Where the channel is in its life.
    enum State: Equatable {
        /// channel.open is sent; open-ok has not arrived.
        case opening
        case open
        /// channel.close is sent; close-ok has not arrived.
        case closing
        /// Closed by either side, or its connection ended; nothing more happens.
        case closed
    }

    /// Something worth a log line.
    enum Event: Equatable {
        /// The broker closed the channel (for example 404 NOT_FOUND).
        case closedByServer(replyCode: UInt16, replyText: String)
        /// The broker returned a mandatory message it could not route.
        case messageReturned(exchange: String, routingKey: String)
    }

    /// What the handler does after an event, in order.
    enum Action: Equatable {
        /// Write these frames and flush.
        case write([AMQPFrame])
        /// Succeed a promise without a value: the channel opened or closed, or a publish was confirmed.
        case succeed(AMQPToken)
        /// Succeed a synchronous method's promise with the broker's response.
        case respond(AMQPToken, AMQPResponse)
        /// Fail these promises.
        case fail([AMQPToken], AMQPError)
        /// Hand a message to a consumer.
        case deliver(AMQPToken, AMQPIncomingMessage)
        /// Tell these consumers that they were cancelled, and forget them.
        case cancelConsumers([AMQPToken], AMQPError)
        /// Forget these consumers without telling them (the client ended them itself).
        case forgetConsumers([AMQPToken])
        /// Log this.
        case report(Event)
    }

    /// A message being assembled from its frames.
    private enum Content {
        case none
        case awaitingHeader(AMQPMethod)
        case awaitingBody(AMQPMethod, AMQPBasicProperties, size: UInt64, received: ByteBuffer?)
    }

    private struct Consumer {
        var token: AMQPToken
        var queue: String
    }

    let id: UInt16
    /// Tells incarnations of a reused channel id apart.
    let generation: UInt64
    private(set) var state = State.opening
    private let frameMax: UInt32
    private var openToken: AMQPToken?
    private var closeTokens: [AMQPToken] = []
    private var rpcs = CircularBuffer<AMQPToken>()
    private var content = Content.none
    private var nextPublishTag: UInt64 = 1
    /// No publish below this tag waits for a confirm.
    private var oldestUnconfirmed: UInt64 = 1
    private var unconfirmed: [UInt64: AMQPToken] = [:]
    private var returned: [UInt64: AMQPError] = [:]
    private var consumers: [String: Consumer] = [:]

    /// A channel about to be opened; `frameMax` is the connection's negotiated limit, which cuts published bodies.
    init(id: UInt16, generation: UInt64, frameMax: UInt32) {
        self.id = id
        self.generation = generation
        self.frameMax = frameMax
    }

    // MARK: Requests from the client

    /// Sends channel.open; `token` succeeds with open-ok.
    mutating func open(token: AMQPToken) -> [Action] {
        precondition(state == .opening && openToken == nil, "a channel is opened once")
        openToken = token
        return [.write([.method(channel: id, .channelOpen)])]
    }

    /// Sends a synchronous method; `token` is answered with its response.
    mutating func call(_ method: AMQPMethod, token: AMQPToken) throws(AMQPError) -> [Action] {
        try requireOpen()
        rpcs.append(token)
        return [.write([.method(channel: id, method)])]
    }

    /// Sends a method that has no response (ack, nack, reject).
    func send(_ method: AMQPMethod) throws(AMQPError) -> [Action] {
        try requireOpen()
        return [.write([.method(channel: id, method)])]
    }

    /// Registers `consumer` under `consumerTag` and sends basic.consume; `token` is answered with consume-ok.
    mutating func consume(queue: String, consumerTag: String, consumer: AMQPToken, token: AMQPToken) throws(AMQPError) -> [Action] {
        try requireOpen()
        consumers[consumerTag] = Consumer(token: consumer, queue: queue)
        let method = AMQPMethod.basicConsume(queue: queue, consumerTag: consumerTag, noLocal: false, noAck: false,
                                             exclusive: false, noWait: false, arguments: [:])
        return try call(method, token: token)
    }

    /// Publishes `messages` (the channel is in confirm mode); each token succeeds when the broker confirms its message
    /// and fails when the broker refuses or returns it.
    mutating func publish(_ messages: [AMQPMessage], tokens: [AMQPToken]) throws(AMQPError) -> [Action] {
        precondition(messages.count == tokens.count, "one token per message")
        try requireOpen()
        var frames: [AMQPFrame] = []
        frames.reserveCapacity(messages.count * 3)
        for (message, token) in zip(messages, tokens) {
            let tag = nextPublishTag
            nextPublishTag += 1
            unconfirmed[tag] = token
            var properties = message.properties
            if message.mandatory {
                properties.headers = (properties.headers ?? [:]).merging([Self.publishTagHeader: .int64(Int64(tag))]) { $1 }
            }
            frames.append(.method(channel: id, .basicPublish(exchange: message.exchange, routingKey: message.routingKey,
                                                             mandatory: message.mandatory, immediate: false)))
            frames += AMQPFrame.contentFrames(channel: id, properties: properties, body: message.body, frameMax: frameMax)
        }
        return [.write(frames)]
    }

    /// Sends channel.close; `token` succeeds once the channel is closed, however that happens.
    mutating func close(token: AMQPToken) -> [Action] {
        switch state {
        case .opening, .open:
            state = .closing
            closeTokens.append(token)
            return [.write([.method(channel: id, .channelClose(replyCode: 200, replyText: "Goodbye", classID: 0, methodID: 0))])]
        case .closing:
            closeTokens.append(token)
            return []
        case .closed:
            return [.succeed(token)]
        }
    }

    /// The connection ended: everything pending fails with `error`; consumers are not told, because the client
    /// restarts them on its next connection.
    mutating func connectionClosed(_ error: AMQPError) -> [Action] {
        guard state != .closed else { return [] }
        return end(error, consumersCancelled: false)
    }

    private func requireOpen() throws(AMQPError) {
        guard state == .open else { throw AMQPError.channelClosed }
    }

    // MARK: Frames from the broker

    /// Handles a frame of this channel.
    mutating func received(_ frame: AMQPFrame) throws(AMQPError) -> [Action] {
        guard state != .closed else { return [] }
        switch frame {
        case .method(_, let method):
            return try received(method)
        case .header(_, _, let bodySize, let properties):
            return try receivedHeader(bodySize: bodySize, properties: properties)
        case .body(_, let body):
            return try receivedBody(body)
        case .heartbeat:
            return []
        }
    }

    private mutating func received(_ method: AMQPMethod) throws(AMQPError) -> [Action] {
        guard case .none = content else {
            throw AMQPError.protocolViolation("method frame inside content on channel \(id)")
        }
        if method.hasContent {
            content = .awaitingHeader(method)
            return []
        }
        switch method {
        case .channelOpenOk:
            guard let token = openToken else { throw AMQPError.protocolViolation("unexpected channel.open-ok on channel \(id)") }
            openToken = nil
            if state == .opening { state = .open }
            return [.succeed(token)]
        case .channelClose(let code, let text, _, _):
            let error = AMQPError.channelClosedByServer(replyCode: code, replyText: text)
            return [.write([.method(channel: id, .channelCloseOk)]), .report(.closedByServer(replyCode: code, replyText: text))]
                + end(error, consumersCancelled: true)
        case .channelCloseOk:
            guard state == .closing else { throw AMQPError.protocolViolation("unexpected channel.close-ok on channel \(id)") }
            return end(.channelClosed, consumersCancelled: false)
        case .channelFlow(let active):
            return [.write([.method(channel: id, .channelFlowOk(active: active))])]
        case .basicAck(let tag, let multiple):
            return confirm(tag, multiple: multiple, refused: nil)
        case .basicNack(let tag, let multiple, _):
            return confirm(tag, multiple: multiple, refused: .nacked)
        case .basicCancel(let tag, _):
            // RabbitMQ cancels the consumers of a deleted queue (consumer_cancel_notify).
            guard let consumer = consumers.removeValue(forKey: tag) else { return [] }
            return [.cancelConsumers([consumer.token], .consumerCancelled(queue: consumer.queue))]
        default:
            guard let token = rpcs.popFirst() else {
                throw AMQPError.protocolViolation("unexpected method \(method.ids) on channel \(id)")
            }
            var actions: [Action] = []
            if case .basicCancelOk(let tag) = method, let consumer = consumers.removeValue(forKey: tag) {
                actions.append(.forgetConsumers([consumer.token]))
            }
            actions.append(.respond(token, AMQPResponse(method: method)))
            return actions
        }
    }

    /// Settles the publish `tag` (and with `multiple` every earlier one still waiting): confirmed unless `refused`,
    /// or returned before.
    private mutating func confirm(_ tag: UInt64, multiple: Bool, refused: AMQPError?) -> [Action] {
        var tags: [UInt64] = []
        if multiple {
            if oldestUnconfirmed <= tag {
                tags = (oldestUnconfirmed...tag).filter { unconfirmed[$0] != nil }
            }
        } else if unconfirmed[tag] != nil {
            tags = [tag]
        }
        var actions: [Action] = []
        actions.reserveCapacity(tags.count)
        for settled in tags {
            let token = unconfirmed.removeValue(forKey: settled)!
            if let returnedError = returned.removeValue(forKey: settled) {
                actions.append(.fail([token], returnedError))
            } else if let refused {
                actions.append(.fail([token], refused))
            } else {
                actions.append(.succeed(token))
            }
        }
        while oldestUnconfirmed < nextPublishTag && unconfirmed[oldestUnconfirmed] == nil {
            oldestUnconfirmed += 1
        }
        return actions
    }

    private mutating func receivedHeader(bodySize: UInt64, properties: AMQPBasicProperties) throws(AMQPError) -> [Action] {
        guard case .awaitingHeader(let method) = content else {
            throw AMQPError.protocolViolation("content header without a content method on channel \(id)")
        }
        if bodySize == 0 {
            content = .none
            return complete(method, properties: properties, body: ByteBuffer())
        }
        content = .awaitingBody(method, properties, size: bodySize, received: nil)
        return []
    }

    private mutating func receivedBody(_ piece: ByteBuffer) throws(AMQPError) -> [Action] {
        guard case .awaitingBody(let method, let properties, let size, var body) = content else {
            throw AMQPError.protocolViolation("content body without a content header on channel \(id)")
        }
        // Dropping the stored copy first lets `body` grow in place.
        content = .none
        let total = UInt64(body?.readableBytes ?? 0) + UInt64(piece.readableBytes)
        guard total <= size else {
            throw AMQPError.protocolViolation("content body longer than announced on channel \(id)")
        }
        if body == nil && total == size {
            return complete(method, properties: properties, body: piece)
        }
        var collected = body ?? ByteBufferAllocator().buffer(capacity: Int(min(size, 1 << 24)))
        body = nil
        var piece = piece
        collected.writeBuffer(&piece)
        if total == size {
            return complete(method, properties: properties, body: collected)
        }
        content = .awaitingBody(method, properties, size: size, received: collected)
        return []
    }

    private mutating func complete(_ method: AMQPMethod, properties: AMQPBasicProperties, body: ByteBuffer) -> [Action] {
        var properties = properties
        let publishTag = Self.removePublishTag(from: &properties)
        switch method {
        case .basicDeliver(let consumerTag, let deliveryTag, let redelivered, let exchange, let routingKey):
            // A delivery may still arrive for a consumer that is being cancelled; nobody wants it.
            guard let consumer = consumers[consumerTag] else { return [] }
            return [.deliver(consumer.token, AMQPIncomingMessage(deliveryTag: deliveryTag, redelivered: redelivered, exchange: exchange,
                                                                 routingKey: routingKey, properties: properties, body: body))]
        case .basicGetOk(let deliveryTag, let redelivered, let exchange, let routingKey, _):
            guard let token = rpcs.popFirst() else { return [] }
            let message = AMQPIncomingMessage(deliveryTag: deliveryTag, redelivered: redelivered, exchange: exchange,
                                              routingKey: routingKey, properties: properties, body: body)
            return [.respond(token, AMQPResponse(method: method, message: message))]
        case .basicReturn(let code, let text, let exchange, let routingKey):
            if let publishTag, unconfirmed[publishTag] != nil {
                returned[publishTag] = .returned(replyCode: code, replyText: text, exchange: exchange, routingKey: routingKey)
            }
            return [.report(.messageReturned(exchange: exchange, routingKey: routingKey))]
        default:
            return []
        }
    }

    private static func removePublishTag(from properties: inout AMQPBasicProperties) -> UInt64? {
        guard let value = properties.headers?.removeValue(forKey: publishTagHeader) else { return nil }
        if properties.headers?.isEmpty == true { properties.headers = nil }
        return value.intValue.flatMap { UInt64(exactly: $0) }
    }

    /// Closes the channel for good: close requests succeed, everything else pending fails with `error`.
    private mutating func end(_ error: AMQPError, consumersCancelled: Bool) -> [Action] {
        state = .closed
        var actions: [Action] = closeTokens.map { .succeed($0) }
        var failed: [AMQPToken] = []
        if let openToken { failed.append(openToken) }
        failed += rpcs
        failed += unconfirmed.keys.sorted().map { unconfirmed[$0]! }
        if !failed.isEmpty { actions.append(.fail(failed, error)) }
        let consumerTokens = consumers.values.map(\.token).sorted { $0.rawValue < $1.rawValue }
        if !consumerTokens.isEmpty {
            actions.append(consumersCancelled ? .cancelConsumers(consumerTokens, error) : .forgetConsumers(consumerTokens))
        }
        openToken = nil
        closeTokens.removeAll()
        rpcs.removeAll()
        unconfirmed.removeAll()
        returned.removeAll()
        consumers.removeAll()
        content = .none
        return actions
    }
}
