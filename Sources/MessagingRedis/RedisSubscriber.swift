import FootfallSupport
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Pub/sub on a dedicated connection.
///
/// Subscribe to channels and patterns, and read ``messages`` (one consumer). Run it as a
/// `Service`: `run()` connects, subscribes, and when the connection drops reconnects with
/// exponential backoff and subscribes to everything again. When `run()` ends (graceful shutdown
/// or cancellation) ``messages`` finishes. Messages published while disconnected are lost,
/// as with any Redis pub/sub client.
public final class RedisSubscriber: Service, Sendable {
    /// A message received on a subscribed channel.
    public struct Message: Sendable, Hashable {
        /// The channel it was published to.
        public var channel: String
        /// The pattern it matched, for pattern subscriptions.
        public var pattern: String?
        /// The message bytes.
        public var payload: ByteBuffer
        /// The message as UTF-8 text.
        public var string: String { String(buffer: payload) }
    }

    /// Every message, in arrival order, until `run()` ends. If the consumer falls behind by more
    /// than the buffer size given at creation, the oldest messages are dropped.
    public let messages: AsyncStream<Message>

    private struct Confirmation {
        var id: Int
        var channels: Set<String>
        var patterns: Set<String>
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var channels: Set<String> = []
        var patterns: Set<String> = []
        var confirmedChannels: Set<String> = []
        var confirmedPatterns: Set<String> = []
        var connection: RedisConnection?
        var waiters: [Confirmation] = []
        var nextWaiterID = 0
        var isShutDown = false
    }

    private let state = Mutex(State())
    private let continuation: AsyncStream<Message>.Continuation
    private let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let backoff: Backoff
    private let clock: AnyClock

    /// Creates a subscriber; nothing connects until `run()`.
    ///
    /// - Parameters:
    ///   - backoff: the delays between reconnection attempts; the first follows a lost connection
    ///     or a failed attempt, and a successful connection starts the sequence again.
    ///   - clock: the clock those delays are slept on.
    public init(configuration: RedisConfiguration,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                bufferSize: Int = 10_000, backoff: Backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(5)),
                clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.backoff = backoff
        self.clock = AnyClock(clock)
        self.logger = logger
        (messages, continuation) = AsyncStream.makeStream(of: Message.self, bufferingPolicy: .bufferingNewest(bufferSize))
    }

    /// Subscribes to channels, returning once Redis has confirmed them (which waits for `run()`
    /// to connect, if it has not yet).
    public func subscribe(_ channels: String...) async throws {
        try await change(channels: Set(channels), patterns: [], subscribe: true)
    }

    /// Subscribes to glob-style patterns such as `footfall.site.*`, returning once Redis has confirmed them.
    public func psubscribe(_ patterns: String...) async throws {
        try await change(channels: [], patterns: Set(patterns), subscribe: true)
    }

    /// Stops receiving messages from channels.
    public func unsubscribe(_ channels: String...) async throws {
        try await change(channels: Set(channels), patterns: [], subscribe: false)
    }

    /// Stops receiving messages matching patterns.
    public func punsubscribe(_ patterns: String...) async throws {
        try await change(channels: [], patterns: Set(patterns), subscribe: false)
    }

    /// Connects and keeps reconnecting until graceful shutdown or cancellation.
    public func run() async throws {
        var attempt = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let connection = try await RedisConnection.connect(
                    configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger,
                    onPush: { [weak self] value in self?.received(value) })
                let (channels, patterns) = state.withLock { state in
                    state.connection = connection
                    return (state.channels, state.patterns)
                }
                attempt = 0
                logger.info("redis.subscriber_connected", metadata: [
                    "redis.channels": "\(channels.count)", "redis.patterns": "\(patterns.count)",
                ])
                if !channels.isEmpty { connection.sendWithoutReply(RedisCommand(["SUBSCRIBE"] + channels.sorted())) }
                if !patterns.isEmpty { connection.sendWithoutReply(RedisCommand(["PSUBSCRIBE"] + patterns.sorted())) }
                await cancelWhenGracefulShutdown {
                    await withTaskCancellationHandler {
                        await connection.waitUntilClosed()
                    } onCancel: {
                        connection.close()
                    }
                }
                logger.warning("redis.subscriber_disconnected")
            } catch {
                logger.warning("redis.subscriber_connect_failed", metadata: ["redis.error": "\(error)"])
            }
            state.withLock { state in
                state.connection = nil
                state.confirmedChannels = []
                state.confirmedPatterns = []
            }
            attempt += 1
            let delay = backoff.delay(attempt: attempt)
            logger.debug("redis.subscriber_reconnect_delay", metadata: [
                "redis.attempt": "\(attempt)", "redis.delay_ms": "\(delay.inMilliseconds)",
            ])
            do {
                try await cancelWhenGracefulShutdown { [clock] in try await clock.sleep(for: delay) }
            } catch {
                break
            }
        }
        let waiters = state.withLock { state in
            state.isShutDown = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: RedisError.shutDown) }
        continuation.finish()
        logger.info("redis.subscriber_stopped")
    }

    private func change(channels: Set<String>, patterns: Set<String>, subscribe: Bool) async throws {
        guard subscribe else {
            let connection = state.withLock { state in
                state.channels.subtract(channels)
                state.patterns.subtract(patterns)
                state.confirmedChannels.subtract(channels)
                state.confirmedPatterns.subtract(patterns)
                return state.connection
            }
            if !channels.isEmpty { connection?.sendWithoutReply(RedisCommand(["UNSUBSCRIBE"] + channels.sorted())) }
            if !patterns.isEmpty { connection?.sendWithoutReply(RedisCommand(["PUNSUBSCRIBE"] + patterns.sorted())) }
            return
        }
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let connection = state.withLock { state -> RedisConnection? in
                    if state.isShutDown {
                        continuation.resume(throwing: RedisError.shutDown)
                        return nil
                    }
                    state.channels.formUnion(channels)
                    state.patterns.formUnion(patterns)
                    let missingChannels = channels.subtracting(state.confirmedChannels)
                    let missingPatterns = patterns.subtracting(state.confirmedPatterns)
                    if missingChannels.isEmpty && missingPatterns.isEmpty {
                        continuation.resume()
                        return nil
                    }
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                        return nil
                    }
                    state.waiters.append(Confirmation(id: id, channels: missingChannels, patterns: missingPatterns,
                                                      continuation: continuation))
                    return state.connection
                }
                // Without a connection, run() subscribes to everything once it connects.
                if let connection {
                    if !channels.isEmpty { connection.sendWithoutReply(RedisCommand(["SUBSCRIBE"] + channels.sorted())) }
                    if !patterns.isEmpty { connection.sendWithoutReply(RedisCommand(["PSUBSCRIBE"] + patterns.sorted())) }
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Confirmation? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Handles pub/sub traffic: arrays in RESP2, pushes in RESP3. Runs on the event loop.
    private func received(_ value: RESPValue) {
        guard let parts = value.array, let kind = parts.first?.string else { return }
        switch (kind.lowercased(), parts.count) {
        case ("message", 3):
            guard let channel = parts[1].string, case .bulkString(let payload) = parts[2] else { return }
            continuation.yield(Message(channel: channel, pattern: nil, payload: payload))
        case ("pmessage", 4):
            guard let pattern = parts[1].string, let channel = parts[2].string,
                  case .bulkString(let payload) = parts[3] else { return }
            continuation.yield(Message(channel: channel, pattern: pattern, payload: payload))
        case ("subscribe", 3), ("psubscribe", 3):
            guard let name = parts[1].string else { return }
            let isPattern = kind.lowercased() == "psubscribe"
            let ready = state.withLock { state -> [Confirmation] in
                if isPattern { state.confirmedPatterns.insert(name) } else { state.confirmedChannels.insert(name) }
                for index in state.waiters.indices {
                    if isPattern { state.waiters[index].patterns.remove(name) } else { state.waiters[index].channels.remove(name) }
                }
                let ready = state.waiters.filter { $0.channels.isEmpty && $0.patterns.isEmpty }
                state.waiters.removeAll { $0.channels.isEmpty && $0.patterns.isEmpty }
                return ready
            }
            for waiter in ready { waiter.continuation.resume() }
        default:
            break
        }
    }
}
