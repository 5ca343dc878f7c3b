import Logging
import NIOCore

/// Carries out what `AMQPConnectionStateMachine` decides for one connection: writes its frames, runs its timers,
/// completes the promises and calls the consumers its tokens name, and logs what it reports.
///
/// Every method runs on the channel's event loop; `AMQPConnection` is the thread-safe face of it.
final class AMQPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = AMQPFrame
    typealias OutboundOut = AMQPFrame

    private var machine: AMQPConnectionStateMachine
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var lastToken: UInt64 = 0
    private var voidPromises: [AMQPToken: EventLoopPromise<Void>] = [:]
    private var responsePromises: [AMQPToken: EventLoopPromise<AMQPResponse>] = [:]
    private var consumers: [AMQPToken: AMQPConsumerCallbacks] = [:]
    private var handshakeTimeout: Scheduled<Void>?
    private var heartbeatTimer: RepeatedTask?
    private var closeTimeout: Scheduled<Void>?
    /// Heartbeat frames the broker has sent: proof, while idle, that both sides keep the connection.
    private(set) var heartbeatsReceived = 0
    /// Succeeds when connection.open-ok arrives.
    let handshakePromise: EventLoopPromise<Void>
    /// Completes with the reason once the connection is gone.
    let closedPromise: EventLoopPromise<AMQPError>

    init(configuration: AMQPConfiguration, handshakePromise: EventLoopPromise<Void>, closedPromise: EventLoopPromise<AMQPError>,
         logger: Logger) {
        self.machine = AMQPConnectionStateMachine(configuration: configuration)
        self.logger = logger
        self.handshakePromise = handshakePromise
        self.closedPromise = closedPromise
    }

    /// The limits agreed with the broker.
    var tuning: AMQPConnectionStateMachine.Tuning { machine.tuning }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { run(machine.connected(at: .now())) }
    }

    func channelActive(context: ChannelHandlerContext) {
        run(machine.connected(at: .now()))
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        run(machine.socketClosed())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        run(machine.fail(error as? AMQPError ?? .connectionClosed(reason: "\(error)")))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if case .heartbeat = frame { heartbeatsReceived += 1 }
        run(machine.received(frame, at: .now()))
    }

    // MARK: Operations (called on the event loop)

    private func makeToken() -> AMQPToken {
        lastToken += 1
        return AMQPToken(lastToken)
    }

    /// Opens a channel and returns its id and generation.
    func openChannel(eventLoop: EventLoop) -> EventLoopFuture<(UInt16, UInt64)> {
        let token = makeToken()
        let opened: (id: UInt16, generation: UInt64, actions: [AMQPConnectionStateMachine.Action])
        do { opened = try machine.openChannel(token: token) } catch { return eventLoop.makeFailedFuture(error) }
        let promise = eventLoop.makePromise(of: Void.self)
        voidPromises[token] = promise
        run(opened.actions)
        let result = (opened.id, opened.generation)
        return promise.futureResult.map { result }
    }

    /// Sends a synchronous method and completes with the broker's response.
    func rpc(_ id: UInt16, _ generation: UInt64, _ method: AMQPMethod, eventLoop: EventLoop) -> EventLoopFuture<AMQPResponse> {
        let token = makeToken()
        let actions: [AMQPConnectionStateMachine.Action]
        do { actions = try machine.call(method, channel: id, generation: generation, token: token) } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let promise = eventLoop.makePromise(of: AMQPResponse.self)
        responsePromises[token] = promise
        run(actions)
        return promise.futureResult
    }

    /// Sends a method that has no response (ack, nack, reject).
    func send(_ id: UInt16, _ generation: UInt64, _ method: AMQPMethod) throws {
        run(try machine.send(method, channel: id, generation: generation))
    }

    /// Registers a consumer and sends basic.consume; completes with consume-ok.
    func consume(_ id: UInt16, _ generation: UInt64, queue: String, consumerTag: String, callbacks: AMQPConsumerCallbacks,
                 eventLoop: EventLoop) -> EventLoopFuture<Void> {
        let consumer = makeToken()
        let token = makeToken()
        let actions: [AMQPConnectionStateMachine.Action]
        do {
            actions = try machine.consume(queue: queue, consumerTag: consumerTag, channel: id, generation: generation,
                                          consumer: consumer, token: token)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        consumers[consumer] = callbacks
        let promise = eventLoop.makePromise(of: AMQPResponse.self)
        responsePromises[token] = promise
        run(actions)
        return promise.futureResult.map { _ in }
    }

    /// Publishes `messages` on a channel in confirm mode; completes when the broker has confirmed all of them, or
    /// fails with the first failure.
    func publish(_ id: UInt16, _ generation: UInt64, _ messages: [AMQPMessage], eventLoop: EventLoop) -> EventLoopFuture<Void> {
        let tokens = messages.map { _ in makeToken() }
        let actions: [AMQPConnectionStateMachine.Action]
        do { actions = try machine.publish(messages, channel: id, generation: generation, tokens: tokens) } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let futures = tokens.map { token in
            let promise = eventLoop.makePromise(of: Void.self)
            voidPromises[token] = promise
            return promise.futureResult
        }
        run(actions)
        if futures.count == 1 { return futures[0] }
        return EventLoopFuture.whenAllComplete(futures, on: eventLoop).flatMapThrowing { results in
            for result in results { try result.get() }
        }
    }

    /// Sends channel.close and completes when close-ok arrives (or the connection ends).
    func closeChannel(_ id: UInt16, _ generation: UInt64, eventLoop: EventLoop) -> EventLoopFuture<Void> {
        let token = makeToken()
        let promise = eventLoop.makePromise(of: Void.self)
        voidPromises[token] = promise
        run(machine.closeChannel(id, generation: generation, token: token))
        return promise.futureResult
    }

    /// Whether the channel is open and of this generation.
    func isChannelOpen(_ id: UInt16, _ generation: UInt64) -> Bool {
        machine.isChannelOpen(id, generation: generation)
    }

    /// Sends connection.close and waits for close-ok (at most `timeout`) before closing the socket.
    func close(timeout: TimeAmount) -> EventLoopFuture<Void> {
        run(machine.close(timeout: timeout))
        return closedPromise.futureResult.map { _ in }
    }

    // MARK: Carrying out actions

    private func run(_ actions: [AMQPConnectionStateMachine.Action]) {
        for action in actions {
            switch action {
            case .writeProtocolHeader:
                writeProtocolHeader()
            case .write(let frames):
                write(frames)
            case .scheduleHandshakeTimeout(let timeout):
                handshakeTimeout = schedule(.handshake, in: timeout)
            case .startHeartbeatTimer(let period):
                guard let context else { break }
                let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
                heartbeatTimer?.cancel()
                heartbeatTimer = context.eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
                    handler.value.run(handler.value.machine.heartbeatTimerFired(at: .now()))
                }
            case .scheduleCloseTimeout(let timeout):
                closeTimeout = schedule(.close, in: timeout)
            case .handshakeSucceeded:
                handshakeTimeout?.cancel()
                handshakePromise.succeed(())
            case .closeSocket:
                context?.close(promise: nil)
            case .ended(let error):
                end(error)
            case .channel(let id, let action):
                run(action, channel: id)
            case .report(let event):
                log(event)
            }
        }
    }

    private func run(_ action: AMQPChannelStateMachine.Action, channel id: UInt16) {
        switch action {
        case .succeed(let token):
            voidPromises.removeValue(forKey: token)?.succeed(())
        case .respond(let token, let response):
            responsePromises.removeValue(forKey: token)?.succeed(response)
        case .fail(let tokens, let error):
            for token in tokens {
                voidPromises.removeValue(forKey: token)?.fail(error)
                responsePromises.removeValue(forKey: token)?.fail(error)
            }
        case .deliver(let token, let message):
            consumers[token]?.deliver(message)
        case .cancelConsumers(let tokens, let error):
            for token in tokens { consumers.removeValue(forKey: token)?.cancelled(error) }
        case .forgetConsumers(let tokens):
            for token in tokens { consumers.removeValue(forKey: token) }
        case .write(let frames):
            write(frames)
        case .report(.closedByServer(let code, let text)):
            logger.debug("amqp.channel_closed_by_server",
                         metadata: ["amqp.channel": "\(id)", "amqp.reply_code": "\(code)", "amqp.reply_text": "\(text)"])
        case .report(.messageReturned(let exchange, let routingKey)):
            logger.debug("amqp.message_returned",
                         metadata: ["amqp.channel": "\(id)", "amqp.exchange": "\(exchange)", "amqp.routing_key": "\(routingKey)"])
        }
    }

    private enum Timeout {
        case handshake, close
    }

    private func schedule(_ timeout: Timeout, in delay: TimeAmount) -> Scheduled<Void>? {
        guard let context else { return nil }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        return context.eventLoop.scheduleTask(in: delay) {
            let handler = handler.value
            switch timeout {
            case .handshake: handler.run(handler.machine.handshakeTimedOut())
            case .close: handler.run(handler.machine.closeTimedOut())
            }
        }
    }

    private func writeProtocolHeader() {
        guard let context else { return }
        var header = context.channel.allocator.buffer(capacity: 8)
        header.writeBytes([UInt8(ascii: "A"), UInt8(ascii: "M"), UInt8(ascii: "Q"), UInt8(ascii: "P"), 0, 0, 9, 1])
        // The protocol header is raw bytes, so it goes in below the frame encoder.
        if let encoder = try? context.pipeline.syncOperations.context(handlerType: MessageToByteHandler<AMQPFrameEncoder>.self) {
            encoder.writeAndFlush(NIOAny(header), promise: nil)
        }
        machine.wrote(at: .now())
    }

    private func write(_ frames: [AMQPFrame]) {
        guard let context, !frames.isEmpty else { return }
        for frame in frames { context.write(wrapOutboundOut(frame), promise: nil) }
        context.flush()
        machine.wrote(at: .now())
    }

    /// Stops the timers and completes whatever is still waiting, so no promise outlives the connection.
    private func end(_ error: AMQPError) {
        handshakeTimeout?.cancel()
        heartbeatTimer?.cancel()
        closeTimeout?.cancel()
        handshakePromise.fail(error)
        let (voids, responses) = (voidPromises, responsePromises)
        voidPromises.removeAll()
        responsePromises.removeAll()
        consumers.removeAll()
        for (_, promise) in voids { promise.fail(error) }
        for (_, promise) in responses { promise.fail(error) }
        context = nil
        closedPromise.succeed(error)
    }

    private func log(_ event: AMQPConnectionStateMachine.Event) {
        switch event {
        case .closedByServer(let code, let text):
            logger.warning("amqp.connection_closed_by_server", metadata: ["amqp.reply_code": "\(code)", "amqp.reply_text": "\(text)"])
        case .blocked(let reason):
            logger.warning("amqp.connection_blocked", metadata: ["amqp.reason": "\(reason)"])
        case .unblocked:
            logger.info("amqp.connection_unblocked")
        case .heartbeatMissed(let heartbeat):
            logger.warning("amqp.heartbeat_missed", metadata: ["amqp.heartbeat": "\(heartbeat)"])
        }
    }
}
