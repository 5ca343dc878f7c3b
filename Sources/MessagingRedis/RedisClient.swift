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

    private typealias Machine = RedisPoolStateMachine<RedisConnection>

    /// The pool's state machine and the continuations of the callers waiting in line.
    private struct Pool: Sendable {
        var machine: Machine
        var waiters: [Machine.WaiterID: CheckedContinuation<Machine.Verdict, Never>] = [:]
        var nextWaiterID = 0
    }

    /// What an action asks for once the lock is released: continuations to resume and connections to close.
    private struct Work: Sendable {
        var resume: [(CheckedContinuation<Machine.Verdict, Never>, Machine.Verdict)] = []
        var close: [RedisConnection] = []
    }

    private let pool: Mutex<Pool>
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    /// Creates a client; no connection is opened until the first command.
    public init(configuration: RedisConfiguration,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger) {
        self.configuration = configuration
        self.pool = Mutex(Pool(machine: Machine(size: configuration.poolSize)))
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
        let id = pool.withLock { pool in
            pool.nextWaiterID += 1
            return pool.nextWaiterID
        }
        var verdict = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Machine.Verdict, Never>) in
                let (own, work) = pool.withLock { pool in
                    var action = pool.machine.leaseRequested(id, isAlive: { $0.isActive })
                    let queued = !action.verdicts.contains { $0.waiter == id }
                    // Checked under the lock, so a cancellation that came before the caller joined the line is not lost.
                    if queued && Task.isCancelled { action.verdicts += pool.machine.waiterCancelled(id).verdicts }
                    let (own, work) = Self.claim(action, in: &pool, caller: id)
                    if own == nil { pool.waiters[id] = continuation }
                    return (own, work)
                }
                perform(work)
                if let own { continuation.resume(returning: own) }
            }
        } onCancel: {
            let (_, work) = pool.withLock { pool in Self.claim(pool.machine.waiterCancelled(id), in: &pool, caller: nil) }
            perform(work)
        }
        while true {
            switch verdict {
            case .use(let connection):
                return connection
            case .fail(let error):
                throw error
            case .cancelled:
                throw .connectionClosed
            case .create:
                let connection: RedisConnection
                do {
                    connection = try await RedisConnection.connect(
                        configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
                } catch {
                    logger.warning("redis.connect_failed", metadata: ["redis.error": "\(error)"])
                    settle { $0.creationFailed() }
                    throw error
                }
                logger.debug("redis.connection_opened")
                verdict = settle(caller: id) { $0.connectionCreated(connection, for: id) } ?? .fail(.shutDown)
            }
        }
    }

    private func release(_ connection: RedisConnection) {
        let alive = connection.isActive
        settle { $0.connectionReleased(connection, alive: alive) }
    }

    private func shutDown() {
        settle { $0.shutDown() }
    }

    /// Feeds an event to the state machine and carries out the action; returns what it told `caller`.
    @discardableResult
    private func settle(caller: Machine.WaiterID? = nil, _ event: (inout Machine) -> Machine.Action) -> Machine.Verdict? {
        let (own, work) = pool.withLock { pool in Self.claim(event(&pool.machine), in: &pool, caller: caller) }
        perform(work)
        return own
    }

    /// Takes, under the lock, the continuations an action resumes, so that each is resumed exactly once.
    /// The verdict for `caller`, which is not waiting on a continuation, is returned instead.
    private static func claim(_ action: Machine.Action, in pool: inout Pool, caller: Machine.WaiterID?)
        -> (Machine.Verdict?, Work)
    {
        var own: Machine.Verdict?
        var work = Work(close: action.close)
        for (waiter, verdict) in action.verdicts {
            if waiter == caller {
                own = verdict
            } else if let continuation = pool.waiters.removeValue(forKey: waiter) {
                work.resume.append((continuation, verdict))
            }
        }
        return (own, work)
    }

    private func perform(_ work: Work) {
        for (continuation, verdict) in work.resume { continuation.resume(returning: verdict) }
        for connection in work.close { connection.close() }
    }
}
