import Logging
import NIOCore

/// The AMQP state machine of one connection: handshake, heartbeats, channels, RPCs, confirms and deliveries.
///
/// Every method runs on the channel's event loop; `AMQPConnection` is the thread-safe face of it.
final class AMQPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = AMQPFrame
    typealias OutboundOut = AMQPFrame

    /// Header name carrying the publish sequence number of mandatory messages, so a basic.return can be matched
    /// to its publish; removed again from deliveries.
    static let publishTagHeader = "x-footfall-publish-tag"

    private enum State {
        case connecting, awaitingTune, awaitingOpenOk, open, closing, closed
    }

    private final class ChannelState {
        let generation: UInt64
        var openPromise: EventLoopPromise<Void>?
        var closePromise: EventLoopPromise<Void>?
        var rpcs = CircularBuffer<EventLoopPromise<AMQPResponse>>()
        var incomingMethod: AMQPMethod?
        var incomingProperties: AMQPBasicProperties?
        var incomingBodySize: UInt64 = 0
        var incomingBody: ByteBuffer?
        var nextPublishTag: UInt64 = 1
        var oldestUnconfirmed: UInt64 = 1
        var unconfirmed: [UInt64: EventLoopPromise<Void>] = [:]
        var returned: [UInt64: AMQPError] = [:]
        var consumers: [String: AMQPConsumerCallbacks] = [:]

        init(generation: UInt64) { self.generation = generation }
    }

    private let configuration: AMQPConfiguration
    private let logger: Logger
    private var state = State.connecting
    private var context: ChannelHandlerContext?
    private var channels: [UInt16: ChannelState] = [:]
    private var nextChannelID: UInt16 = 1
    private var nextGeneration: UInt64 = 1
    private var lastRead = NIODeadline.now()
    private var lastWrite = NIODeadline.now()
    private var heartbeatTask: RepeatedTask?
    private var handshakeTimeout: Scheduled<Void>?
    private var closeError: AMQPError?
    private var connectionClosePromise: EventLoopPromise<Void>?
    private(set) var channelMax: UInt16 = 2_047
    private(set) var frameMax: UInt32 = 4_096
    private(set) var heartbeat: UInt16 = 0
    /// Succeeds when connection.open-ok arrives.
    let handshakePromise: EventLoopPromise<Void>
    /// Completes with the reason once the connection is gone.
    let closedPromise: EventLoopPromise<AMQPError>

    init(configuration: AMQPConfiguration, handshakePromise: EventLoopPromise<Void>, closedPromise: EventLoopPromise<AMQPError>,
         logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.handshakePromise = handshakePromise
        self.closedPromise = closedPromise
    }

    var isOpen: Bool { state == .open }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard handshakeTimeout == nil else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        handshakeTimeout = context.eventLoop.scheduleTask(in: .init(configuration.connectTimeout)) {
            loopBound.value.fail(.timeout(operation: "AMQP handshake"))
        }
        // The protocol header is raw bytes, so it is written below the frame encoder.
        var header = context.channel.allocator.buffer(capacity: 8)
        header.writeBytes([UInt8(ascii: "A"), UInt8(ascii: "M"), UInt8(ascii: "Q"), UInt8(ascii: "P"), 0, 0, 9, 1])
        if let encoder = try? context.pipeline.syncOperations.context(handlerType: MessageToByteHandler<AMQPFrameEncoder>.self) {
            encoder.writeAndFlush(NIOAny(header), promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        tearDown(reason: closeError ?? .connectionClosed(reason: "the socket closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let amqpError = error as? AMQPError ?? .connectionClosed(reason: "\(error)")
        fail(amqpError)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        let frame = unwrapInboundIn(data)
        do {
            switch frame {
            case .heartbeat:
                break
            case .method(0, let method):
                try handleConnectionMethod(method)
            case .method(let channel, let method):
                try handleChannelMethod(channel, method)
            case .header(let channel, _, let bodySize, let properties):
                try handleHeader(channel, bodySize: bodySize, properties: properties)
            case .body(let channel, let body):
                try handleBody(channel, body)
            }
        } catch {
            fail(error as? AMQPError ?? .protocolViolation("\(error)"))
        }
    }

    /// Closes the socket at once, recording `error` as the reason.
    func fail(_ error: AMQPError) {
        if closeError == nil { closeError = error }
        if state != .closed { context?.close(promise: nil) }
    }

    // MARK: Connection methods

    private func handleConnectionMethod(_ method: AMQPMethod) throws {
        switch method {
        case .connectionStart(_, _, _, let mechanisms, _):
            guard state == .connecting else { throw AMQPError.protocolViolation("unexpected connection.start") }
            guard mechanisms.split(separator: " ").contains("PLAIN") else {
                throw AMQPError.protocolViolation("the server does not offer PLAIN authentication")
            }
            let capabilities: AMQPFieldTable = [
                "publisher_confirms": .bool(true), "consumer_cancel_notify": .bool(true), "basic.nack": .bool(true),
                "authentication_failure_close": .bool(true), "connection.blocked": .bool(true),
            ]
            let properties: AMQPFieldTable = [
                "product": .string("Footfall"), "platform": .string("Swift"), "capabilities": .table(capabilities),
                "connection_name": .string(configuration.connectionName),
            ]
            let response = [0] + Array(configuration.user.utf8) + [0] + Array(configuration.password.utf8)
            state = .awaitingTune
            write(.method(channel: 0, .connectionStartOk(clientProperties: properties, mechanism: "PLAIN",
                                                         response: response, locale: "en_US")), flush: true)
        case .connectionTune(let serverChannelMax, let serverFrameMax, let serverHeartbeat):
            guard state == .awaitingTune else { throw AMQPError.protocolViolation("unexpected connection.tune") }
            channelMax = Self.negotiate(serverChannelMax, 2_047)
            frameMax = Self.negotiate(serverFrameMax, max(4_096, configuration.frameMax))
            heartbeat = (configuration.heartbeat == 0 || serverHeartbeat == 0)
                ? max(configuration.heartbeat, serverHeartbeat) : min(configuration.heartbeat, serverHeartbeat)
            state = .awaitingOpenOk
            write(.method(channel: 0, .connectionTuneOk(channelMax: channelMax, frameMax: frameMax, heartbeat: heartbeat)), flush: false)
            write(.method(channel: 0, .connectionOpen(virtualHost: configuration.virtualHost)), flush: true)
            startHeartbeats()
        case .connectionOpenOk:
            guard state == .awaitingOpenOk else { throw AMQPError.protocolViolation("unexpected connection.open-ok") }
            state = .open
            handshakeTimeout?.cancel()
            handshakePromise.succeed(())
        case .connectionClose(let code, let text, _, _):
            if state == .awaitingTune && code == 403 {
                closeError = .authenticationFailed(user: configuration.user)
            } else {
                closeError = closeError ?? .connectionClosedByServer(replyCode: code, replyText: text)
            }
            logger.warning("amqp.connection_closed_by_server", metadata: ["amqp.reply_code": "\(code)", "amqp.reply_text": "\(text)"])
            state = .closing
            write(.method(channel: 0, .connectionCloseOk), flush: true)
            context?.close(promise: nil)
        case .connectionCloseOk:
            context?.close(promise: nil)
        case .connectionBlocked(let reason):
            logger.warning("amqp.connection_blocked", metadata: ["amqp.reason": "\(reason)"])
        case .connectionUnblocked:
            logger.info("amqp.connection_unblocked")
        default:
            throw AMQPError.protocolViolation("unexpected method \(method.ids) on channel 0")
        }
    }

    private static func negotiate<T: FixedWidthInteger>(_ server: T, _ client: T) -> T {
        server == 0 ? client : min(server, client)
    }

    private func startHeartbeats() {
        guard heartbeat > 0, let context else { return }
        let interval = TimeAmount.seconds(Int64(heartbeat))
        let half = TimeAmount.milliseconds(Int64(heartbeat) * 500)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        // Checking twice per interval sends a heartbeat in every idle interval and spots two missed ones in time.
        heartbeatTask = context.eventLoop.scheduleRepeatedTask(initialDelay: half, delay: half) { _ in
            loopBound.value.heartbeatTick(interval: interval)
        }
    }

    private func heartbeatTick(interval: TimeAmount) {
        let now = NIODeadline.now()
        if now - lastRead > interval * 2 {
            logger.warning("amqp.heartbeat_missed", metadata: ["amqp.heartbeat": "\(heartbeat)"])
            fail(.connectionClosed(reason: "missed two heartbeats from the server"))
            return
        }
        if now - lastWrite >= .nanoseconds(interval.nanoseconds / 2) {
            write(.heartbeat, flush: true)
        }
    }

    /// Sends connection.close and waits for close-ok (at most `timeout`) before closing the socket.
    func close(timeout: TimeAmount) -> EventLoopFuture<Void> {
        guard let context else { return closedPromise.futureResult.map { _ in } }
        switch state {
        case .closed:
            return context.eventLoop.makeSucceededVoidFuture()
        case .closing:
            return closedPromise.futureResult.map { _ in }
        case .connecting, .awaitingTune, .awaitingOpenOk:
            fail(.connectionClosed(reason: "the client closed the connection"))
            return closedPromise.futureResult.map { _ in }
        case .open:
            state = .closing
            closeError = .connectionClosed(reason: "the client closed the connection")
            write(.method(channel: 0, .connectionClose(replyCode: 200, replyText: "Goodbye", classID: 0, methodID: 0)), flush: true)
            let channel = context.channel
            let timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
            return closedPromise.futureResult.map { _ in timer.cancel() }
        }
    }

    private func tearDown(reason: AMQPError) {
        guard state != .closed else { return }
        state = .closed
        closeError = closeError ?? reason
        heartbeatTask?.cancel()
        handshakeTimeout?.cancel()
        let error = closeError!
        handshakePromise.fail(error)
        let states = channels
        channels.removeAll()
        for (_, channel) in states {
            failChannel(channel, error: error, notifyConsumers: false)
        }
        context = nil
        closedPromise.succeed(error)
    }

    private func failChannel(_ channel: ChannelState, error: AMQPError, notifyConsumers: Bool) {
        channel.openPromise?.fail(error)
        channel.closePromise?.succeed(())
        while let rpc = channel.rpcs.popFirst() { rpc.fail(error) }
        for (_, promise) in channel.unconfirmed { promise.fail(error) }
        channel.unconfirmed.removeAll()
        if notifyConsumers {
            for (_, consumer) in channel.consumers { consumer.cancelled(error) }
        }
        channel.consumers.removeAll()
    }

    // MARK: Channel methods

    private func handleChannelMethod(_ id: UInt16, _ method: AMQPMethod) throws {
        guard let channel = channels[id] else {
            // Frames may still arrive for a channel we closed ourselves; only close-ok matters and it has no state.
            return
        }
        if method.hasContent {
            guard channel.incomingMethod == nil else { throw AMQPError.protocolViolation("method frame inside content") }
            channel.incomingMethod = method
            return
        }
        switch method {
        case .channelOpenOk:
            channel.openPromise?.succeed(())
            channel.openPromise = nil
        case .channelClose(let code, let text, _, _):
            write(.method(channel: id, .channelCloseOk), flush: true)
            channels[id] = nil
            logger.debug("amqp.channel_closed_by_server", metadata: ["amqp.channel": "\(id)", "amqp.reply_code": "\(code)", "amqp.reply_text": "\(text)"])
            failChannel(channel, error: .channelClosedByServer(replyCode: code, replyText: text), notifyConsumers: true)
        case .channelCloseOk:
            channels[id] = nil
            failChannel(channel, error: .channelClosed, notifyConsumers: false)
        case .channelFlow(let active):
            write(.method(channel: id, .channelFlowOk(active: active)), flush: true)
        case .basicAck(let tag, let multiple):
            confirm(channel, tag: tag, multiple: multiple, error: nil)
        case .basicNack(let tag, let multiple, _):
            confirm(channel, tag: tag, multiple: multiple, error: .nacked)
        case .basicCancel(let tag, _):
            // RabbitMQ cancels consumers of deleted queues (consumer_cancel_notify).
            if let consumer = channel.consumers.removeValue(forKey: tag) {
                consumer.cancelled(.consumerCancelled(queue: tag))
            }
        default:
            if case .basicCancelOk(let tag) = method { channel.consumers[tag] = nil }
            guard let rpc = channel.rpcs.popFirst() else {
                throw AMQPError.protocolViolation("unexpected method \(method.ids) on channel \(id)")
            }
            rpc.succeed(AMQPResponse(method: method))
        }
    }

    private func confirm(_ channel: ChannelState, tag: UInt64, multiple: Bool, error: AMQPError?) {
        func settle(_ tag: UInt64) {
            guard let promise = channel.unconfirmed.removeValue(forKey: tag) else { return }
            if let returned = channel.returned.removeValue(forKey: tag) {
                promise.fail(returned)
            } else if let error {
                promise.fail(error)
            } else {
                promise.succeed(())
            }
        }
        if multiple {
            if channel.oldestUnconfirmed <= tag {
                for pending in channel.oldestUnconfirmed...tag { settle(pending) }
                channel.oldestUnconfirmed = tag + 1
            }
        } else {
            settle(tag)
            if tag == channel.oldestUnconfirmed { channel.oldestUnconfirmed = tag + 1 }
        }
    }

    private func handleHeader(_ id: UInt16, bodySize: UInt64, properties: AMQPBasicProperties) throws {
        guard let channel = channels[id] else { return }
        guard channel.incomingMethod != nil, channel.incomingProperties == nil else {
            throw AMQPError.protocolViolation("content header without a content method on channel \(id)")
        }
        channel.incomingProperties = properties
        channel.incomingBodySize = bodySize
        if bodySize == 0 { completeContent(id, channel, body: ByteBuffer()) }
    }

    private func handleBody(_ id: UInt16, _ body: ByteBuffer) throws {
        guard let channel = channels[id] else { return }
        guard channel.incomingProperties != nil else {
            throw AMQPError.protocolViolation("content body without a content header on channel \(id)")
        }
        if channel.incomingBody == nil && UInt64(body.readableBytes) == channel.incomingBodySize {
            completeContent(id, channel, body: body)
            return
        }
        if channel.incomingBody == nil {
            channel.incomingBody = context?.channel.allocator.buffer(capacity: Int(channel.incomingBodySize)) ?? ByteBuffer()
        }
        var part = body
        channel.incomingBody!.writeBuffer(&part)
        let received = UInt64(channel.incomingBody!.readableBytes)
        if received == channel.incomingBodySize {
            let whole = channel.incomingBody!
            completeContent(id, channel, body: whole)
        } else if received > channel.incomingBodySize {
            throw AMQPError.protocolViolation("content body longer than announced on channel \(id)")
        }
    }

    private func completeContent(_ id: UInt16, _ channel: ChannelState, body: ByteBuffer) {
        guard let method = channel.incomingMethod, var properties = channel.incomingProperties else { return }
        channel.incomingMethod = nil
        channel.incomingProperties = nil
        channel.incomingBody = nil
        var publishTag: UInt64?
        if properties.headers?[Self.publishTagHeader] != nil {
            publishTag = properties.headers?.removeValue(forKey: Self.publishTagHeader)?.intValue.map { UInt64($0) }
            if properties.headers?.isEmpty == true { properties.headers = nil }
        }
        switch method {
        case .basicDeliver(let consumerTag, let deliveryTag, let redelivered, let exchange, let routingKey):
            channel.consumers[consumerTag]?.deliver(AMQPIncomingMessage(
                deliveryTag: deliveryTag, redelivered: redelivered, exchange: exchange, routingKey: routingKey,
                properties: properties, body: body))
        case .basicGetOk(let deliveryTag, let redelivered, let exchange, let routingKey, _):
            let message = AMQPIncomingMessage(deliveryTag: deliveryTag, redelivered: redelivered, exchange: exchange,
                                              routingKey: routingKey, properties: properties, body: body)
            channel.rpcs.popFirst()?.succeed(AMQPResponse(method: method, message: message))
        case .basicReturn(let code, let text, let exchange, let routingKey):
            logger.debug("amqp.message_returned", metadata: ["amqp.exchange": "\(exchange)", "amqp.routing_key": "\(routingKey)"])
            if let publishTag, channel.unconfirmed[publishTag] != nil {
                channel.returned[publishTag] = .returned(replyCode: code, replyText: text, exchange: exchange, routingKey: routingKey)
            }
        default:
            break
        }
    }

    // MARK: Operations (called on the event loop)

    private func write(_ frame: AMQPFrame, flush: Bool) {
        guard let context else { return }
        lastWrite = .now()
        context.write(wrapOutboundOut(frame), promise: nil)
        if flush { context.flush() }
    }

    private func usableChannel(_ id: UInt16, _ generation: UInt64) throws -> ChannelState {
        guard state == .open else { throw closeError ?? AMQPError.notConnected }
        guard let channel = channels[id], channel.generation == generation, channel.closePromise == nil else {
            throw AMQPError.channelClosed
        }
        return channel
    }

    /// Opens a channel and returns its id and generation (ids are reused; generations are not).
    func openChannel(eventLoop: EventLoop) -> EventLoopFuture<(UInt16, UInt64)> {
        guard state == .open else { return eventLoop.makeFailedFuture(closeError ?? AMQPError.notConnected) }
        var candidate = nextChannelID
        for _ in 0..<Int(channelMax) {
            if channels[candidate] == nil { break }
            candidate = candidate >= channelMax ? 1 : candidate + 1
        }
        guard channels[candidate] == nil else {
            return eventLoop.makeFailedFuture(AMQPError.protocolViolation("no free channel (channel max \(channelMax))"))
        }
        nextChannelID = candidate >= channelMax ? 1 : candidate + 1
        let channel = ChannelState(generation: nextGeneration)
        nextGeneration += 1
        let promise = eventLoop.makePromise(of: Void.self)
        channel.openPromise = promise
        channels[candidate] = channel
        write(.method(channel: candidate, .channelOpen), flush: true)
        let result = (candidate, channel.generation)
        return promise.futureResult.map { result }
    }

    /// Sends a synchronous method and completes with the broker's response.
    func rpc(_ id: UInt16, _ generation: UInt64, _ method: AMQPMethod, eventLoop: EventLoop) -> EventLoopFuture<AMQPResponse> {
        do {
            let channel = try usableChannel(id, generation)
            let promise = eventLoop.makePromise(of: AMQPResponse.self)
            channel.rpcs.append(promise)
            write(.method(channel: id, method), flush: true)
            return promise.futureResult
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    /// Sends a method that has no response (ack, nack, reject).
    func send(_ id: UInt16, _ generation: UInt64, _ method: AMQPMethod) throws {
        _ = try usableChannel(id, generation)
        write(.method(channel: id, method), flush: true)
    }

    /// Registers a consumer and sends basic.consume; completes with the consumer tag.
    func consume(_ id: UInt16, _ generation: UInt64, queue: String, consumerTag: String, callbacks: AMQPConsumerCallbacks,
                 eventLoop: EventLoop) -> EventLoopFuture<Void> {
        guard let channel = try? usableChannel(id, generation) else {
            return eventLoop.makeFailedFuture(closeError ?? AMQPError.channelClosed)
        }
        channel.consumers[consumerTag] = callbacks
        let method = AMQPMethod.basicConsume(queue: queue, consumerTag: consumerTag, noLocal: false, noAck: false,
                                             exclusive: false, noWait: false, arguments: [:])
        return rpc(id, generation, method, eventLoop: eventLoop).map { _ in }
    }

    /// Publishes `messages` on a channel in confirm mode; completes when the broker has confirmed all of them,
    /// or fails with the first failure.
    func publish(_ id: UInt16, _ generation: UInt64, _ messages: [AMQPMessage], eventLoop: EventLoop) -> EventLoopFuture<Void> {
        let channel: ChannelState
        do { channel = try usableChannel(id, generation) } catch { return eventLoop.makeFailedFuture(error) }
        var futures: [EventLoopFuture<Void>] = []
        futures.reserveCapacity(messages.count)
        for message in messages {
            let tag = channel.nextPublishTag
            channel.nextPublishTag += 1
            let promise = eventLoop.makePromise(of: Void.self)
            channel.unconfirmed[tag] = promise
            futures.append(promise.futureResult)
            var properties = message.properties
            if message.mandatory {
                properties.headers = (properties.headers ?? [:]).merging([Self.publishTagHeader: .int64(Int64(tag))]) { $1 }
            }
            write(.method(channel: id, .basicPublish(exchange: message.exchange, routingKey: message.routingKey,
                                                     mandatory: message.mandatory, immediate: false)), flush: false)
            for frame in AMQPFrame.contentFrames(channel: id, properties: properties, body: message.body, frameMax: frameMax) {
                write(frame, flush: false)
            }
        }
        context?.flush()
        if futures.count == 1 { return futures[0] }
        return EventLoopFuture.whenAllComplete(futures, on: eventLoop).flatMapThrowing { results in
            for result in results { try result.get() }
        }
    }

    /// Sends channel.close and completes when close-ok arrives (or the connection ends).
    func closeChannel(_ id: UInt16, _ generation: UInt64, eventLoop: EventLoop) -> EventLoopFuture<Void> {
        guard state == .open, let channel = channels[id], channel.generation == generation else {
            return eventLoop.makeSucceededVoidFuture()
        }
        if let closing = channel.closePromise { return closing.futureResult }
        let promise = eventLoop.makePromise(of: Void.self)
        channel.closePromise = promise
        write(.method(channel: id, .channelClose(replyCode: 200, replyText: "Goodbye", classID: 0, methodID: 0)), flush: true)
        return promise.futureResult
    }

    /// Whether the channel is open and of this generation.
    func isChannelOpen(_ id: UInt16, _ generation: UInt64) -> Bool {
        (try? usableChannel(id, generation)) != nil
    }
}
