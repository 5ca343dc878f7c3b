import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A small pool of Redis connections, opened on demand up to ``RedisConfiguration/poolSize``.
///
/// Each command leases a connection for its duration, so blocking commands and `MULTI` blocks
/// through ``withConnection(_:)`` are safe. A connection that dies (a Redis restart, a timeout)
/// is dropped, and the next command opens a fresh one. Run the client as a `Service`; when
/// `run()` ends (graceful shutdown or cancellation) the connections are closed and further
/// commands throw ``RedisError/shutDown``.
public final class RedisClient: Service, Sendable {
    /// Where and how the client connects.
    public let configuration: RedisConfiguration

    private enum Lease: Sendable {
        case connection(RedisConnection)
        case create
    }

    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Lease, any Error>
    }

    private struct State {
        var idle: [RedisConnection] = []
        var open = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var isShutDown = false
    }

    private let state = Mutex(State())
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    /// Creates a client; no connection is opened until the first command.
    public init(configuration: RedisConfiguration,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Keeps the pool until graceful shutdown or cancellation, then closes every connection.
    public func run() async throws {
        logger.info("redis.client_started", metadata: ["redis.configuration": "\(configuration)"])
        try? await gracefulShutdown()
        shutDown()
        logger.info("redis.client_stopped")
    }

    /// Runs `body` with a connection leased for its whole duration, for `MULTI`/`EXEC`, `WATCH`
    /// or blocking commands. The connection is returned to the pool afterwards (or dropped if it died).
    public func withConnection<T>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    /// Sends one command on a pooled connection; an error reply throws ``RedisError/server(_:)``.
    public func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        let connection = try await lease()
        defer { release(connection) }
        return try await connection.send(command)
    }

    /// Sends text arguments as one command; see ``send(_:)-(RedisCommand)``.
    public func send(_ arguments: String...) async throws(RedisError) -> RESPValue {
        try await send(RedisCommand(arguments))
    }

    /// Sends commands together on one connection and returns every reply in order; error replies
    /// are returned as ``RESPValue/error(_:)`` values rather than thrown.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        let connection = try await lease()
        defer { release(connection) }
        return try await connection.pipeline(commands)
    }

    private func lease() async throws(RedisError) -> RedisConnection {
        // Fast path: an idle connection, without suspending.
        let (idle, waiterID) = state.withLock { state -> (RedisConnection?, Int) in
            while !state.isShutDown, let connection = state.idle.popLast() {
                if connection.isActive { return (connection, 0) }
                state.open -= 1
            }
            state.nextWaiterID += 1
            return (nil, state.nextWaiterID)
        }
        if let idle { return idle }
        let lease: Lease
        do {
            lease = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                    state.withLock { state in
                        if state.isShutDown { return continuation.resume(throwing: RedisError.shutDown) }
                        while let connection = state.idle.popLast() {
                            if connection.isActive { return continuation.resume(returning: .connection(connection)) }
                            state.open -= 1
                        }
                        if state.open < configuration.poolSize {
                            state.open += 1
                            return continuation.resume(returning: .create)
                        }
                        // Checked under the lock, so a cancellation that came before this waiter was registered is not lost.
                        if Task.isCancelled { return continuation.resume(throwing: CancellationError()) }
                        state.waiters.append(Waiter(id: waiterID, continuation: continuation))
                    }
                }
            } onCancel: {
                let waiter = state.withLock { state -> Waiter? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
                    return state.waiters.remove(at: index)
                }
                waiter?.continuation.resume(throwing: CancellationError())
            }
        } catch {
            throw error as? RedisError ?? .connectionClosed
        }
        switch lease {
        case .connection(let connection):
            return connection
        case .create:
            do {
                let connection = try await RedisConnection.connect(
                    configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
                logger.debug("redis.connection_opened")
                return connection
            } catch {
                logger.warning("redis.connect_failed", metadata: ["redis.error": "\(error)"])
                forget()
                throw error
            }
        }
    }

    private func release(_ connection: RedisConnection) {
        let keep = state.withLock { state -> Bool in
            guard !state.isShutDown, connection.isActive else {
                state.open -= 1
                if !state.isShutDown, let waiter = state.waiters.first {
                    state.waiters.removeFirst()
                    state.open += 1
                    waiter.continuation.resume(returning: .create)
                }
                return false
            }
            if let waiter = state.waiters.first {
                state.waiters.removeFirst()
                waiter.continuation.resume(returning: .connection(connection))
            } else {
                state.idle.append(connection)
            }
            return true
        }
        if !keep { connection.close() }
    }

    /// Gives up a slot reserved for a connection that could not be opened, letting a waiter try instead.
    private func forget() {
        state.withLock { state in
            state.open -= 1
            if !state.isShutDown, let waiter = state.waiters.first {
                state.waiters.removeFirst()
                state.open += 1
                waiter.continuation.resume(returning: .create)
            }
        }
    }

    private func shutDown() {
        let (idle, waiters) = state.withLock { state in
            state.isShutDown = true
            defer {
                state.open -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: RedisError.shutDown) }
        for connection in idle { connection.close() }
    }
}
