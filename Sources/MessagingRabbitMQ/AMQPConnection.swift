import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One AMQP connection to RabbitMQ: TCP, handshake, heartbeats and channels. It does not reconnect;
/// `AMQPClient` builds on it and does.
final class AMQPConnection: Sendable {
    let channel: Channel
    let eventLoop: EventLoop
    private let handler: NIOLoopBound<AMQPConnectionHandler>
    /// Completes with the reason once the connection has ended.
    let closed: EventLoopFuture<AMQPError>

    private init(channel: Channel, handler: NIOLoopBound<AMQPConnectionHandler>, closed: EventLoopFuture<AMQPError>) {
        self.channel = channel
        self.eventLoop = channel.eventLoop
        self.handler = handler
        self.closed = closed
    }

    /// Connects, authenticates and opens the virtual host, all within `configuration.connectTimeout`.
    static func connect(configuration: AMQPConfiguration, eventLoopGroup: EventLoopGroup, logger: Logger) async throws -> AMQPConnection {
        let eventLoop = eventLoopGroup.next()
        let handshake = eventLoop.makePromise(of: Void.self)
        let closed = eventLoop.makePromise(of: AMQPError.self)
        let handlerPromise = eventLoop.makePromise(of: NIOLoopBound<AMQPConnectionHandler>.self)
        let sslContext: NIOSSLContext?
        if let tls = configuration.tls {
            do {
                var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
                if let caFile = tls.caFile { tlsConfiguration.trustRoots = .file(caFile) }
                sslContext = try NIOSSLContext(configuration: tlsConfiguration)
            } catch {
                let failure = AMQPError.badURL(field: "cacertfile", reason: "cannot set up TLS: \(error)")
                // Every promise must be completed, whether or not the pipeline was ever built.
                handlerPromise.fail(failure)
                handshake.fail(failure)
                closed.succeed(failure)
                throw failure
            }
        } else {
            sslContext = nil
        }
        // SNI and hostname checks need a name; an IP address literal is checked against the certificate's IP entries.
        let serverHostname = (try? SocketAddress(ipAddress: configuration.host, port: 0)) != nil ? nil : configuration.host
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.init(configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = AMQPConnectionHandler(configuration: configuration, handshakePromise: handshake,
                                                        closedPromise: closed, logger: logger)
                    let decoder = AMQPFrameDecoder(maxFrameSize: Int(max(4_096, configuration.frameMax)))
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(decoder), MessageToByteHandler(AMQPFrameEncoder()), handler,
                    ])
                    handlerPromise.succeed(NIOLoopBound(handler, eventLoop: channel.eventLoop))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            let amqpError: AMQPError
            if let error = error as? ChannelError, error == .connectTimeout(.init(configuration.connectTimeout)) {
                amqpError = .timeout(operation: "connect to \(configuration.host):\(configuration.port)")
            } else {
                amqpError = .connectionClosed(reason: "cannot connect to \(configuration.host):\(configuration.port): \(error)")
            }
            // Every promise must be completed, whether or not the pipeline was ever built.
            handlerPromise.fail(amqpError)
            handshake.fail(amqpError)
            closed.succeed(amqpError)
            throw amqpError
        }
        let handler = try await handlerPromise.futureResult.get()
        do {
            try await handshake.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error as? AMQPError ?? AMQPError.connectionClosed(reason: "\(error)")
        }
        return AMQPConnection(channel: channel, handler: handler, closed: closed.futureResult)
    }

    private func onLoop<T: Sendable>(_ body: @escaping @Sendable (AMQPConnectionHandler, EventLoop) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let handler = self.handler
        let eventLoop = self.eventLoop
        if eventLoop.inEventLoop { return body(handler.value, eventLoop) }
        return eventLoop.flatSubmit { body(handler.value, eventLoop) }
    }

    /// The negotiated heartbeat, frame max and channel max.
    func negotiated() async throws -> (heartbeat: UInt16, frameMax: UInt32, channelMax: UInt16) {
        try await onLoop { handler, loop in
            let tuning = handler.tuning
            return loop.makeSucceededFuture((tuning.heartbeat, tuning.frameMax, tuning.channelMax))
        }.get()
    }

    /// How many heartbeats the broker has sent on this connection.
    func heartbeatsReceived() async throws -> Int {
        try await onLoop { handler, loop in loop.makeSucceededFuture(handler.heartbeatsReceived) }.get()
    }

    /// True until the connection has ended.
    var isOpen: Bool { channel.isActive }

    /// Opens a new channel.
    func openChannel() async throws -> AMQPChannel {
        let (id, generation) = try await onLoop { handler, loop in handler.openChannel(eventLoop: loop) }.get()
        return AMQPChannel(connection: self, id: id, generation: generation)
    }

    /// Closes the connection gracefully (connection.close, then close-ok) within `timeout`.
    func close(timeout: TimeAmount = .seconds(2)) -> EventLoopFuture<Void> {
        onLoop { handler, _ in handler.close(timeout: timeout) }
    }

    func rpc(_ channel: AMQPChannel, _ method: AMQPMethod) -> EventLoopFuture<AMQPResponse> {
        onLoop { handler, loop in handler.rpc(channel.id, channel.generation, method, eventLoop: loop) }
    }

    func send(_ channel: AMQPChannel, _ method: AMQPMethod) -> EventLoopFuture<Void> {
        onLoop { handler, loop in
            loop.makeCompletedFuture { try handler.send(channel.id, channel.generation, method) }
        }
    }

    func publish(_ channel: AMQPChannel, _ messages: [AMQPMessage]) -> EventLoopFuture<Void> {
        onLoop { handler, loop in handler.publish(channel.id, channel.generation, messages, eventLoop: loop) }
    }

    func consume(_ channel: AMQPChannel, queue: String, consumerTag: String, callbacks: AMQPConsumerCallbacks) -> EventLoopFuture<Void> {
        onLoop { handler, loop in
            handler.consume(channel.id, channel.generation, queue: queue, consumerTag: consumerTag, callbacks: callbacks, eventLoop: loop)
        }
    }

    func closeChannel(_ channel: AMQPChannel) -> EventLoopFuture<Void> {
        onLoop { handler, loop in handler.closeChannel(channel.id, channel.generation, eventLoop: loop) }
    }

    func isChannelOpen(_ channel: AMQPChannel) async -> Bool {
        (try? await onLoop { handler, loop in
            loop.makeSucceededFuture(handler.isChannelOpen(channel.id, channel.generation))
        }.get()) ?? false
    }
}
