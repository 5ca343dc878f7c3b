/// The bookkeeping of ``RedisClient``'s connection pool, as a value with no connections to open,
/// no continuations and no lock of its own: each event returns what the client must do, so every
/// path through the pool can be tested synchronously.
///
/// Every connection takes a slot while it is idle, leased or being opened, and there are never
/// more slots taken than `size`. Callers that find no idle connection and no free slot wait in
/// line and are served first come, first served: a released connection goes to the first of
/// them, and a slot freed by a dead or failed connection lets the first of them open a new one.
/// A waiter is told exactly once what to do.
struct RedisPoolStateMachine<Connection: Sendable>: Sendable {
    /// Identifies one caller asking for a connection; the client numbers them.
    typealias WaiterID = Int

    /// What one waiter is told.
    enum Verdict: Sendable {
        /// Use this connection: an idle one, one released by its last user, or the one it opened.
        case use(Connection)
        /// A slot is reserved for the waiter: open a connection and report ``connectionCreated(_:for:)``
        /// or ``creationFailed()``.
        case create
        /// Give up with this error (``RedisError/shutDown``).
        case fail(RedisError)
        /// The waiter's task was cancelled while it waited in line.
        case cancelled
    }

    /// What the client must do after an event.
    struct Action: Sendable {
        /// Waiters to resume, in order, with what each is told.
        var verdicts: [(waiter: WaiterID, verdict: Verdict)] = []
        /// Connections to close.
        var close: [Connection] = []

        static var none: Action { Action() }
    }

    /// The most connections open at once.
    let size: Int
    /// Connections nobody uses, the most recently released last.
    private(set) var idle: [Connection] = []
    /// Connections handed out and not yet released.
    private(set) var leased = 0
    /// Slots reserved for connections being opened.
    private(set) var opening = 0
    /// Callers waiting for a connection or a slot, first come first.
    private(set) var waiting: [WaiterID] = []
    private(set) var isShutDown = false

    /// Slots taken: idle, leased and opening connections.
    var open: Int { idle.count + leased + opening }

    init(size: Int) {
        self.size = max(1, size)
    }

    /// A caller wants a connection. It gets an idle one that is still alive, or a slot to open
    /// one in, or waits in line (no verdict for it in the action) until a release or a failure
    /// frees something. Idle connections found dead are closed and their slots freed.
    mutating func leaseRequested(_ waiter: WaiterID, isAlive: (Connection) -> Bool) -> Action {
        guard !isShutDown else { return Action(verdicts: [(waiter, .fail(.shutDown))]) }
        var action = Action.none
        while let connection = idle.popLast() {
            if isAlive(connection) {
                leased += 1
                action.verdicts.append((waiter, .use(connection)))
                return action
            }
            action.close.append(connection)
        }
        if open < size {
            opening += 1
            action.verdicts.append((waiter, .create))
        } else {
            waiting.append(waiter)
        }
        return action
    }

    /// The connection a waiter opened in its reserved slot is ready. It is the waiter's to use,
    /// unless the pool shut down meanwhile.
    mutating func connectionCreated(_ connection: Connection, for waiter: WaiterID) -> Action {
        opening -= 1
        guard !isShutDown else { return Action(verdicts: [(waiter, .fail(.shutDown))], close: [connection]) }
        leased += 1
        return Action(verdicts: [(waiter, .use(connection))])
    }

    /// Opening a connection failed: its slot passes to the first waiter, which tries in turn.
    mutating func creationFailed() -> Action {
        opening -= 1
        return handFreeSlot()
    }

    /// A user is done with a connection. A live one goes to the first waiter, or back to the
    /// idle list; a dead one is closed and its slot passes to the first waiter.
    mutating func connectionReleased(_ connection: Connection, alive: Bool) -> Action {
        leased -= 1
        guard alive, !isShutDown else {
            var action = handFreeSlot()
            action.close.append(connection)
            return action
        }
        if waiting.isEmpty {
            idle.append(connection)
            return .none
        }
        leased += 1
        return Action(verdicts: [(waiting.removeFirst(), .use(connection))])
    }

    /// A waiter's task was cancelled: if it is still in line it leaves and is told so; if it
    /// was already told something, nothing changes.
    mutating func waiterCancelled(_ waiter: WaiterID) -> Action {
        guard let index = waiting.firstIndex(of: waiter) else { return .none }
        waiting.remove(at: index)
        return Action(verdicts: [(waiter, .cancelled)])
    }

    /// The client stops: every waiter fails and idle connections close. Leased connections
    /// close when released, and connections being opened when they are ready.
    mutating func shutDown() -> Action {
        guard !isShutDown else { return .none }
        isShutDown = true
        let action = Action(verdicts: waiting.map { ($0, .fail(.shutDown)) }, close: idle)
        waiting = []
        idle = []
        return action
    }

    /// Lets the first waiter open a connection in a slot just freed.
    private mutating func handFreeSlot() -> Action {
        guard !isShutDown, !waiting.isEmpty, open < size else { return .none }
        opening += 1
        return Action(verdicts: [(waiting.removeFirst(), .create)])
    }
}
