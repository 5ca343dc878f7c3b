import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// One connection to Redis. Many commands may be in flight at once: replies are matched to
/// commands in order, so concurrent callers pipeline automatically.
///
/// On connect it negotiates the protocol (`HELLO 3` for RESP3), authenticates and selects the
/// database. A command that gets no reply within the command timeout fails with
/// ``RedisError/timeout(command:)`` and closes the connection, since later replies could no
/// longer be matched.
public final class RedisConnection: Sendable {
    /// The event loop the connection lives on.
    public var eventLoop: any EventLoop { channel.eventLoop }
    /// `false` once the connection has closed for any reason.
    public var isActive: Bool { channel.isActive && !broken.withLock { $0 } }

    private let channel: any Channel
    private let handler: NIOLoopBound<RedisChannelHandler>
    private let logger: Logger
    // Set as soon as a command fails for a reason other than an error reply, because the channel
    // closes a moment later on its event loop and the pool must not hand the connection out meanwhile.
    private let broken = Mutex(false)

    private init(channel: any Channel, handler: NIOLoopBound<RedisChannelHandler>, logger: Logger) {
        self.channel = channel
        self.handler = handler
        self.logger = logger
    }

    /// Opens a connection and runs the handshake.
    ///
    /// - Parameter onPush: receives RESP3 push values, and in RESP2 every reply that no command
    ///   waits for (pub/sub messages). It runs on the event loop, so it must not block.
    public static func connect(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        onPush: (@Sendable (RESPValue) -> Void)? = nil
    ) async throws(RedisError) -> RedisConnection {
        let sslContext: NIOSSLContext?
        if let tls = configuration.tls {
            do {
                var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
                if let caFile = tls.caFile { tlsConfiguration.trustRoots = .file(caFile) }
                sslContext = try NIOSSLContext(configuration: tlsConfiguration)
            } catch {
                throw .invalidConfiguration(field: "ca_file", reason: "cannot set up TLS: \(error)")
            }
        } else {
            sslContext = nil
        }
        // SNI and hostname checks need a name; an IP address literal is checked against the certificate's IP entries.
        let isAddress = (try? SocketAddress(ipAddress: configuration.host, port: 0)) != nil
        let serverHostname = isAddress ? nil : configuration.host
        let timeout = TimeAmount.nanoseconds(Int64(configuration.commandTimeout.components.seconds) * 1_000_000_000
            + configuration.commandTimeout.components.attoseconds / 1_000_000_000)
        let connectTimeout = TimeAmount.nanoseconds(Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000
            + configuration.connectTimeout.components.attoseconds / 1_000_000_000)

        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if let sslContext {
                        try operations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                    }
                    try operations.addHandler(ByteToMessageHandler(RESPDecoder()))
                    try operations.addHandler(RedisChannelHandler(timeout: timeout, onPush: onPush))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            logger.debug("redis.connect_failed", metadata: ["redis.host": "\(configuration.host)", "redis.error": "\(error)"])
            throw .connectionFailed(host: configuration.host, port: configuration.port, reason: "\(error)")
        }
        let handler: NIOLoopBound<RedisChannelHandler>
        do {
            handler = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: RedisChannelHandler.self),
                             eventLoop: channel.eventLoop)
            }.get()
        } catch {
            channel.close(promise: nil)
            throw .connectionClosed
        }
        let connection = RedisConnection(channel: channel, handler: handler, logger: logger)
        do {
            try await connection.handshake(configuration)
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Sends one command and waits for its reply; an error reply throws ``RedisError/server(_:)``.
    public func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        var buffer = channel.allocator.buffer(capacity: 64)
        command.write(into: &buffer)
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        submit(RedisRequest(encoded: buffer, name: command.name, reply: .single(promise)))
        let value: RESPValue
        do {
            value = try await promise.futureResult.get()
        } catch {
            throw fault(error)
        }
        if case .error(let message) = value {
            logger.debug("redis.command_failed", metadata: ["redis.command": "\(command.name)", "redis.error": "\(message)"])
            throw .server(message)
        }
        return value
    }

    /// Sends text arguments as one command; see ``send(_:)-(RedisCommand)``.
    public func send(_ arguments: String...) async throws(RedisError) -> RESPValue {
        try await send(RedisCommand(arguments))
    }

    /// Writes all commands at once and waits for all replies, in order.
    ///
    /// Error replies come back as ``RESPValue/error(_:)`` values, so one failing command does
    /// not hide the others' results; only a connection failure or timeout throws.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        var buffer = channel.allocator.buffer(capacity: 64 * commands.count)
        for command in commands { command.write(into: &buffer) }
        let promise = channel.eventLoop.makePromise(of: [RESPValue].self)
        let name = commands.count == 1 ? commands[0].name : "pipeline of \(commands.count) commands"
        submit(RedisRequest(encoded: buffer, name: name, reply: .batch(count: commands.count, promise)))
        do {
            return try await promise.futureResult.get()
        } catch {
            throw fault(error)
        }
    }

    /// Writes a command whose answer arrives through `onPush` (pub/sub subscriptions).
    func sendWithoutReply(_ command: RedisCommand) {
        var buffer = channel.allocator.buffer(capacity: 64)
        command.write(into: &buffer)
        submit(RedisRequest(encoded: buffer, name: command.name, reply: .none))
    }

    /// Closes the connection; commands still waiting fail with ``RedisError/connectionClosed``.
    public func close() {
        channel.close(mode: .all, promise: nil)
    }

    /// Waits until the connection has closed.
    public func waitUntilClosed() async {
        try? await channel.closeFuture.get()
    }

    private func fault(_ error: any Error) -> RedisError {
        broken.withLock { $0 = true }
        close()
        return error as? RedisError ?? .connectionClosed
    }

    private func submit(_ request: RedisRequest) {
        if channel.eventLoop.inEventLoop {
            handler.value.enqueue(request)
        } else {
            channel.eventLoop.execute { [handler] in handler.value.enqueue(request) }
        }
    }

    private func handshake(_ configuration: RedisConfiguration) async throws(RedisError) {
        switch configuration.protocolVersion {
        case .resp3:
            var hello = ["HELLO", "3"]
            if let password = configuration.password {
                hello += ["AUTH", configuration.username ?? "default", password]
            }
            if let name = configuration.clientName { hello += ["SETNAME", name] }
            _ = try await send(RedisCommand(hello))
        case .resp2:
            if let password = configuration.password {
                if let username = configuration.username {
                    _ = try await send(RedisCommand(["AUTH", username, password]))
                } else {
                    _ = try await send(RedisCommand(["AUTH", password]))
                }
            }
            if let name = configuration.clientName {
                _ = try await send(RedisCommand(["CLIENT", "SETNAME", name]))
            }
        }
        if configuration.database != 0 {
            _ = try await send(RedisCommand(["SELECT", String(configuration.database)]))
        }
    }
}
