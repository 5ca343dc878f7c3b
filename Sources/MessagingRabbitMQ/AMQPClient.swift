import CountingCore
import FootfallSupport
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The Footfall RabbitMQ client: a `Service` that keeps one AMQP connection up, reconnecting with exponential
/// backoff and jitter, and re-establishing everything on the new connection: the declared topology and every consumer.
///
/// Run it in a `ServiceGroup` (or call `run()` in a task). Operations called while it is disconnected wait for the
/// connection up to `AMQPConfiguration.connectionWaitTimeout`, then fail with `AMQPError.notConnected`.
///
/// Publishing is at-least-once: `publish` returns when the broker has confirmed the message and throws otherwise; an
/// error whose cause is the connection means the message may or may not have arrived, and the caller retries.
public final class AMQPClient: Service, Sendable {
    private struct ConsumerRecord {
        var queue: String
        var prefetch: UInt16
        var continuation: AsyncThrowingStream<AMQPDelivery, Error>.Continuation
        var startedOn: ObjectIdentifier?
        var channel: AMQPChannel?
    }

    private enum CachedChannel {
        case publish, get
    }

    private struct State {
        var connection: AMQPConnection?
        var pending: AMQPConnection?
        var publishChannel: EventLoopFuture<AMQPChannel>?
        var getChannel: EventLoopFuture<AMQPChannel>?
        var topology = AMQPTopology()
        var consumers: [Int: ConsumerRecord] = [:]
        var nextConsumerID = 1
        var waiters: [Int: CheckedContinuation<AMQPConnection, Error>] = [:]
        var nextWaiterID = 1
        var stopping = false
    }

    /// The configuration the client connects with.
    public let configuration: AMQPConfiguration
    private let eventLoopGroup: EventLoopGroup
    private let logger: Logger
    private let clock: AnyClock
    private let backoff: Backoff
    private let state = Mutex(State())

    /// Creates a client; nothing connects until `run()` is called.
    ///
    /// `clock` times the pauses between reconnection attempts and how long operations wait for a connection
    /// (tests pass a manual clock); heartbeats and the handshake timeout run on the event loop.
    public init(configuration: AMQPConfiguration, eventLoopGroup: EventLoopGroup, logger: Logger,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "amqp.host"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
        self.clock = AnyClock(clock)
        // Equal jitter: half of each delay fixed, half random, so that clients cut off together spread out.
        self.backoff = Backoff(initial: configuration.reconnectInitialDelay, maximum: configuration.reconnectMaxDelay, jitter: .equal)
    }

    /// True while a connection is established and set up.
    public var isConnected: Bool {
        state.withLock { $0.connection != nil }
    }

    // MARK: Service

    /// Connects and keeps reconnecting until graceful shutdown or cancellation; then closes the connection with
    /// connection.close and ends every consumer sequence.
    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await runLoop()
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
    }

    private func runLoop() async {
        var attempt = 0
        while !state.withLock({ $0.stopping }) {
            do {
                let connection = try await AMQPConnection.connect(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
                let stopped = state.withLock { state in
                    state.pending = connection
                    return state.stopping
                }
                if stopped {
                    try? await connection.close().get()
                    break
                }
                try await setUp(connection)
                attempt = 0
                let reason = (try? await connection.closed.get()) ?? AMQPError.connectionClosed(reason: "unknown")
                state.withLock { state in
                    state.connection = nil
                    state.pending = nil
                    state.publishChannel = nil
                    state.getChannel = nil
                    for id in state.consumers.keys {
                        state.consumers[id]?.startedOn = nil
                        state.consumers[id]?.channel = nil
                    }
                }
                if state.withLock({ $0.stopping }) { break }
                logger.warning("amqp.connection_lost", metadata: ["amqp.reason": "\(reason)"])
            } catch {
                state.withLock { $0.pending = nil }
                if state.withLock({ $0.stopping }) { break }
                logger.warning("amqp.connect_failed", metadata: ["amqp.error": "\(error)", "amqp.attempt": "\(attempt + 1)"])
            }
            attempt += 1
            let delay = backoff.delay(attempt: attempt)
            logger.info("amqp.reconnect", metadata: ["amqp.attempt": "\(attempt)", "amqp.delay_ms": "\(delay.inMilliseconds)"])
            let clock = self.clock
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: delay) }
        }
        let (consumers, waiters) = state.withLock { state in
            let result = (state.consumers, state.waiters)
            state.consumers.removeAll()
            state.waiters.removeAll()
            state.connection = nil
            return result
        }
        for (_, consumer) in consumers { consumer.continuation.finish() }
        for (_, waiter) in waiters { waiter.resume(throwing: AMQPError.notConnected) }
        logger.info("amqp.stopped")
    }

    private func stop() {
        let (connection, waiters) = state.withLock { state in
            state.stopping = true
            let waiters = state.waiters
            state.waiters.removeAll()
            return (state.connection ?? state.pending, waiters)
        }
        for (_, waiter) in waiters { waiter.resume(throwing: AMQPError.notConnected) }
        // The run loop is waiting for this connection to end; closing it lets the loop finish.
        _ = connection?.close()
    }

    /// Declares the remembered topology and restarts consumers on a fresh connection, then makes it current.
    private func setUp(_ connection: AMQPConnection) async throws {
        let topology = state.withLock { $0.topology }
        let channel = try await connection.openChannel()
        do {
            try await topology.declare(on: channel)
        } catch {
            // A conflicting declaration must not keep Footfall offline; the rest of the work can go on.
            logger.error("amqp.redeclare_failed", metadata: ["amqp.error": "\(error)"])
        }
        await channel.close()
        let consumerIDs = state.withLock { Array($0.consumers.keys) }
        for id in consumerIDs { await restartConsumer(id: id, on: connection) }
        let negotiated = try await connection.negotiated()
        let (waiters, lateConsumers) = state.withLock { state in
            state.connection = connection
            state.pending = nil
            let waiters = state.waiters
            state.waiters.removeAll()
            return (waiters, state.consumers.keys.filter { state.consumers[$0]?.startedOn == nil })
        }
        logger.info("amqp.connected", metadata: ["amqp.heartbeat": "\(negotiated.heartbeat)", "amqp.frame_max": "\(negotiated.frameMax)",
                                                 "amqp.consumers": "\(consumerIDs.count)"])
        for (_, waiter) in waiters { waiter.resume(returning: connection) }
        for id in lateConsumers { await restartConsumer(id: id, on: connection) }
    }

    private func restartConsumer(id: Int, on connection: AMQPConnection) async {
        do {
            try await startConsumer(id: id, on: connection)
        } catch {
            let record = state.withLock { $0.consumers.removeValue(forKey: id) }
            logger.error("amqp.consumer_restart_failed", metadata: ["amqp.queue": "\(record?.queue ?? "")", "amqp.error": "\(error)"])
            record?.continuation.finish(throwing: error)
        }
    }

    // MARK: Waiting for the connection

    private func currentConnection() async throws -> AMQPConnection {
        if let connection = state.withLock({ $0.connection }) { return connection }
        guard configuration.connectionWaitTimeout > .zero else { throw AMQPError.notConnected }
        do {
            return try await withTimeout(configuration.connectionWaitTimeout, clock: clock) {
                try await self.waitForConnection()
            }
        } catch is TimeoutError {
            throw AMQPError.notConnected
        }
    }

    /// Waits until `setUp` publishes a connection; cancellation ends the wait.
    private func waitForConnection() async throws -> AMQPConnection {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<AMQPConnection, Error>) in
                enum Outcome { case ready(AMQPConnection), failed(Error), waiting }
                let outcome = state.withLock { state -> Outcome in
                    if let connection = state.connection { return .ready(connection) }
                    if state.stopping { return .failed(AMQPError.notConnected) }
                    // Checked under the lock, so a cancellation that came first is not lost.
                    if Task.isCancelled { return .failed(CancellationError()) }
                    state.waiters[id] = continuation
                    return .waiting
                }
                switch outcome {
                case .ready(let connection): continuation.resume(returning: connection)
                case .failed(let error): continuation.resume(throwing: error)
                case .waiting: break
                }
            }
        } onCancel: {
            self.resumeWaiter(id: id, throwing: CancellationError())
        }
    }

    private func resumeWaiter(id: Int, throwing error: Error) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: error)
    }

    // MARK: Channels

    private func cachedChannel(_ kind: CachedChannel, on connection: AMQPConnection) async throws -> AMQPChannel {
        enum Action { case use(EventLoopFuture<AMQPChannel>), open(EventLoopPromise<AMQPChannel>) }
        let action = state.withLock { state -> Action in
            let cached = kind == .publish ? state.publishChannel : state.getChannel
            if let cached, state.connection === connection { return .use(cached) }
            let promise = connection.eventLoop.makePromise(of: AMQPChannel.self)
            if state.connection === connection {
                if kind == .publish { state.publishChannel = promise.futureResult } else { state.getChannel = promise.futureResult }
            }
            return .open(promise)
        }
        switch action {
        case .use(let future):
            return try await future.get()
        case .open(let promise):
            do {
                let channel = try await connection.openChannel()
                if kind == .publish { try await channel.confirmSelect() }
                promise.succeed(channel)
                return channel
            } catch {
                promise.fail(error)
                forget(kind, promise.futureResult)
                throw error
            }
        }
    }

    private func forget(_ kind: CachedChannel, _ future: EventLoopFuture<AMQPChannel>) {
        state.withLock { state in
            if kind == .publish, state.publishChannel === future { state.publishChannel = nil }
            if kind == .get, state.getChannel === future { state.getChannel = nil }
        }
    }

    /// Runs `body` on the cached channel; if the broker closed that channel, the next call opens a new one.
    private func withCachedChannel<T>(_ kind: CachedChannel, _ body: (AMQPChannel) async throws -> T) async throws -> T {
        let connection = try await currentConnection()
        let channel = try await cachedChannel(kind, on: connection)
        do {
            return try await body(channel)
        } catch let error as AMQPError {
            switch error {
            case .channelClosed, .channelClosedByServer:
                state.withLock { state in
                    if kind == .publish { state.publishChannel = nil } else { state.getChannel = nil }
                }
            default:
                break
            }
            throw error
        }
    }

    private func withTemporaryChannel<T>(_ body: (AMQPChannel) async throws -> T) async throws -> T {
        let connection = try await currentConnection()
        let channel = try await connection.openChannel()
        do {
            let result = try await body(channel)
            await channel.close()
            return result
        } catch {
            await channel.close()
            throw error
        }
    }

    // MARK: Topology

    /// Declares exchanges, queues and bindings, and remembers them so they are declared again after every reconnect.
    /// Throws `AMQPError.channelClosedByServer` (e.g. 406 PRECONDITION_FAILED) if a declaration conflicts with what
    /// exists; nothing of a failed call is remembered.
    public func declare(_ topology: AMQPTopology) async throws {
        try await withTemporaryChannel { channel in try await topology.declare(on: channel) }
        state.withLock { $0.topology = $0.topology.merging(topology) }
        logger.debug("amqp.declared", metadata: ["amqp.exchanges": "\(topology.exchanges.count)", "amqp.queues": "\(topology.queues.count)",
                                                 "amqp.bindings": "\(topology.bindings.count)"])
    }

    /// Deletes a queue and forgets its declaration and bindings; returns how many messages it held.
    @discardableResult
    public func deleteQueue(_ name: String, ifUnused: Bool = false, ifEmpty: Bool = false) async throws -> UInt32 {
        let response = try await withTemporaryChannel { channel in
            try await channel.call(.queueDelete(queue: name, ifUnused: ifUnused, ifEmpty: ifEmpty, noWait: false))
        }
        state.withLock { state in
            state.topology.queues.removeAll { $0.name == name }
            state.topology.bindings.removeAll { $0.queue == name }
        }
        guard case .queueDeleteOk(let count) = response.method else { throw AMQPError.protocolViolation("expected queue.delete-ok") }
        return count
    }

    /// Deletes an exchange and forgets its declaration and bindings.
    public func deleteExchange(_ name: String) async throws {
        _ = try await withTemporaryChannel { channel in
            try await channel.call(.exchangeDelete(exchange: name, ifUnused: false, noWait: false))
        }
        state.withLock { state in
            state.topology.exchanges.removeAll { $0.name == name }
            state.topology.bindings.removeAll { $0.exchange == name }
        }
    }

    /// Removes every ready message from a queue; returns how many were removed.
    @discardableResult
    public func purge(queue: String) async throws -> UInt32 {
        let response = try await withTemporaryChannel { channel in
            try await channel.call(.queuePurge(queue: queue, noWait: false))
        }
        guard case .queuePurgeOk(let count) = response.method else { throw AMQPError.protocolViolation("expected queue.purge-ok") }
        return count
    }

    /// The number of ready messages in a queue (a passive declare); throws `channelClosedByServer` 404 if it does not exist.
    public func messageCount(queue: String) async throws -> UInt32 {
        let response = try await withTemporaryChannel { channel in
            try await channel.call(.queueDeclare(queue: queue, passive: true, durable: false, exclusive: false,
                                                 autoDelete: false, noWait: false, arguments: [:]))
        }
        guard case .queueDeclareOk(_, let count, _) = response.method else { throw AMQPError.protocolViolation("expected queue.declare-ok") }
        return count
    }

    // MARK: Publishing

    /// Publishes one message and returns when the broker confirms it.
    ///
    /// Throws `AMQPError.nacked` if the broker refuses it, `.returned` if it is mandatory and unroutable,
    /// `.channelClosedByServer` (e.g. 404 for a missing exchange), or a connection error if the connection drops before
    /// the confirm; then the caller retries. Concurrent calls are pipelined on one channel.
    public func publish(_ message: AMQPMessage) async throws {
        try await publish(batch: [message])
    }

    /// Publishes all messages in one write and returns when the broker has confirmed every one; throws the first
    /// failure (the caller retries the batch, at-least-once).
    public func publish(batch messages: [AMQPMessage]) async throws {
        guard !messages.isEmpty else { return }
        try await withCachedChannel(.publish) { channel in try await channel.publish(messages) }
    }

    // MARK: Consuming

    /// Starts consuming `queue` with manual acknowledgement and at most `prefetch` unacknowledged deliveries.
    ///
    /// If connected, the consumer is registered at the broker before this returns (a missing queue throws
    /// `channelClosedByServer` 404); otherwise it starts as soon as the client connects.
    public func consume(queue: String, prefetch: UInt16) async throws -> AMQPConsumer {
        let (stream, continuation) = AsyncThrowingStream<AMQPDelivery, Error>.makeStream()
        let (id, connection) = state.withLock { state in
            let id = state.nextConsumerID
            state.nextConsumerID += 1
            state.consumers[id] = ConsumerRecord(queue: queue, prefetch: prefetch, continuation: continuation)
            return (id, state.connection)
        }
        continuation.onTermination = { [weak self] _ in self?.forgetConsumer(id: id) }
        if let connection {
            do {
                try await startConsumer(id: id, on: connection)
            } catch {
                state.withLock { _ = $0.consumers.removeValue(forKey: id) }
                continuation.finish()
                throw error
            }
        }
        return AMQPConsumer(queue: queue, id: id, stream: stream, client: self)
    }

    private func startConsumer(id: Int, on connection: AMQPConnection) async throws {
        let claimed = state.withLock { state -> ConsumerRecord? in
            guard let record = state.consumers[id], record.startedOn != ObjectIdentifier(connection) else { return nil }
            state.consumers[id]?.startedOn = ObjectIdentifier(connection)
            return record
        }
        guard let record = claimed else { return }
        let channel = try await connection.openChannel()
        do {
            try await channel.qos(prefetchCount: record.prefetch)
            let continuation = record.continuation
            let callbacks = AMQPConsumerCallbacks(
                deliver: { message in
                    continuation.yield(AMQPDelivery(body: message.body, exchange: message.exchange, routingKey: message.routingKey,
                                                    properties: message.properties, redelivered: message.redelivered,
                                                    deliveryTag: message.deliveryTag, channel: channel))
                },
                cancelled: { [weak self] error in self?.endConsumer(id: id, error: error) })
            try await channel.consume(queue: record.queue, consumerTag: "footfall-consumer-\(id)", callbacks: callbacks)
            state.withLock { $0.consumers[id]?.channel = channel }
            logger.debug("amqp.consumer_started", metadata: ["amqp.queue": "\(record.queue)", "amqp.prefetch": "\(record.prefetch)"])
        } catch {
            await channel.close()
            throw error
        }
    }

    private func endConsumer(id: Int, error: AMQPError) {
        guard let record = state.withLock({ $0.consumers.removeValue(forKey: id) }) else { return }
        logger.warning("amqp.consumer_ended", metadata: ["amqp.queue": "\(record.queue)", "amqp.error": "\(error)"])
        record.continuation.finish(throwing: error)
    }

    private func forgetConsumer(id: Int) {
        guard let record = state.withLock({ $0.consumers.removeValue(forKey: id) }) else { return }
        // Closing the channel cancels the consumer and requeues its unsettled deliveries.
        if let channel = record.channel { _ = channel.connection.closeChannel(channel) }
    }

    func cancelConsumer(id: Int) async {
        guard let record = state.withLock({ $0.consumers.removeValue(forKey: id) }) else { return }
        if let channel = record.channel { await channel.close() }
        record.continuation.finish()
    }

    // MARK: Get

    /// Fetches one message from `queue` with manual acknowledgement (basic.get), or nil if the queue is empty.
    public func get(queue: String) async throws -> AMQPDelivery? {
        try await withCachedChannel(.get) { channel in
            let response = try await channel.call(.basicGet(queue: queue, noAck: false))
            guard case .basicGetOk = response.method, let message = response.message else { return nil }
            return AMQPDelivery(body: message.body, exchange: message.exchange, routingKey: message.routingKey,
                                properties: message.properties, redelivered: message.redelivered,
                                deliveryTag: message.deliveryTag, channel: channel)
        }
    }
}
