import FootfallTestSupport
@testable import MessagingRedis
import Testing

/// The pool's bookkeeping on its own: connections are plain numbers, and no server is needed.
struct RedisPoolStateMachineTests {
    typealias Machine = RedisPoolStateMachine<Int>

    /// What a verdict says, in a form tests can compare.
    enum Told: Equatable {
        case use(Int), create, fail(RedisError), cancelled

        init(_ verdict: Machine.Verdict) {
            switch verdict {
            case .use(let connection): self = .use(connection)
            case .create: self = .create
            case .fail(let error): self = .fail(error)
            case .cancelled: self = .cancelled
            }
        }
    }

    static func told(_ action: Machine.Action) -> [Int: Told] {
        var told: [Int: Told] = [:]
        for (waiter, verdict) in action.verdicts {
            #expect(told[waiter] == nil, "waiter \(waiter) told twice in one action")
            told[waiter] = Told(verdict)
        }
        return told
    }

    static func alive(_ connection: Int) -> Bool { true }

    /// A pool of `size` whose every slot holds a leased connection, numbered from 1.
    static func fullPool(size: Int) -> Machine {
        var machine = Machine(size: size)
        for waiter in 1...size {
            #expect(told(machine.leaseRequested(waiter, isAlive: alive)) == [waiter: .create])
            #expect(told(machine.connectionCreated(100 + waiter, for: waiter)) == [waiter: .use(100 + waiter)])
        }
        #expect(machine.open == size)
        return machine
    }

    @Test func theFirstCallerOpensAConnectionAndLaterOnesReuseIt() {
        var machine = Machine(size: 2)
        #expect(Self.told(machine.leaseRequested(1, isAlive: Self.alive)) == [1: .create])
        #expect(Self.told(machine.connectionCreated(7, for: 1)) == [1: .use(7)])
        #expect(Self.told(machine.connectionReleased(7, alive: true)) == [:])
        #expect(machine.idle == [7])
        #expect(Self.told(machine.leaseRequested(2, isAlive: Self.alive)) == [2: .use(7)])
        #expect(machine.open == 1)
        #expect(machine.leased == 1)
    }

    @Test func aWaiterIsHandedTheReleasedConnection() {
        var machine = Self.fullPool(size: 1)
        let waiting = machine.leaseRequested(2, isAlive: Self.alive)
        #expect(Self.told(waiting) == [:])
        #expect(machine.waiting == [2])
        let released = machine.connectionReleased(101, alive: true)
        #expect(Self.told(released) == [2: .use(101)])
        #expect(released.close.isEmpty)
        #expect(machine.waiting.isEmpty)
        #expect(machine.idle.isEmpty)
        #expect(machine.leased == 1)
    }

    @Test func waitersAreServedFirstComeFirstServed() {
        var machine = Self.fullPool(size: 1)
        for waiter in 2...4 { #expect(Self.told(machine.leaseRequested(waiter, isAlive: Self.alive)) == [:]) }
        #expect(Self.told(machine.connectionReleased(101, alive: true)) == [2: .use(101)])
        #expect(Self.told(machine.connectionReleased(101, alive: true)) == [3: .use(101)])
        #expect(Self.told(machine.connectionReleased(101, alive: true)) == [4: .use(101)])
        #expect(Self.told(machine.connectionReleased(101, alive: true)) == [:])
        #expect(machine.idle == [101])
    }

    @Test func aDeadConnectionReleasedFreesASlotThatAWaiterThenCreates() {
        var machine = Self.fullPool(size: 1)
        #expect(Self.told(machine.leaseRequested(2, isAlive: Self.alive)) == [:])
        let released = machine.connectionReleased(101, alive: false)
        #expect(released.close == [101])
        #expect(Self.told(released) == [2: .create])
        #expect(machine.opening == 1)
        #expect(machine.leased == 0)
        #expect(Self.told(machine.connectionCreated(102, for: 2)) == [2: .use(102)])
        #expect(machine.open == 1)
    }

    @Test func aDeadConnectionReleasedWithNobodyWaitingIsClosedAndForgotten() {
        var machine = Self.fullPool(size: 2)
        let released = machine.connectionReleased(101, alive: false)
        #expect(released.close == [101])
        #expect(Self.told(released) == [:])
        #expect(machine.idle.isEmpty)
        #expect(machine.open == 1)
    }

    @Test func idleConnectionsFoundDeadAreClosedAndReplaced() {
        var machine = Self.fullPool(size: 2)
        _ = machine.connectionReleased(101, alive: true)
        _ = machine.connectionReleased(102, alive: true)
        // Both died while idle (a Redis restart, say): the caller gets a slot to open a new one.
        let action = machine.leaseRequested(3, isAlive: { _ in false })
        #expect(Set(action.close) == [101, 102])
        #expect(Self.told(action) == [3: .create])
        #expect(machine.idle.isEmpty)
        #expect(machine.open == 1)
    }

    @Test func aFailedCreationPassesTheSlotToTheFirstWaiter() {
        var machine = Machine(size: 1)
        #expect(Self.told(machine.leaseRequested(1, isAlive: Self.alive)) == [1: .create])
        #expect(Self.told(machine.leaseRequested(2, isAlive: Self.alive)) == [:])
        #expect(Self.told(machine.leaseRequested(3, isAlive: Self.alive)) == [:])
        #expect(Self.told(machine.creationFailed()) == [2: .create])
        #expect(machine.waiting == [3])
        #expect(machine.opening == 1)
        #expect(Self.told(machine.creationFailed()) == [3: .create])
        #expect(Self.told(machine.creationFailed()) == [:])
        #expect(machine.open == 0)
        // The pool is not stuck: the next caller tries again.
        #expect(Self.told(machine.leaseRequested(4, isAlive: Self.alive)) == [4: .create])
    }

    @Test func aCancelledWaiterLeavesTheLineAndIsToldOnce() {
        var machine = Self.fullPool(size: 1)
        _ = machine.leaseRequested(2, isAlive: Self.alive)
        _ = machine.leaseRequested(3, isAlive: Self.alive)
        #expect(Self.told(machine.waiterCancelled(2)) == [2: .cancelled])
        #expect(machine.waiting == [3])
        // Cancelled again, or after it was served: nothing more is said to it.
        #expect(Self.told(machine.waiterCancelled(2)) == [:])
        #expect(Self.told(machine.connectionReleased(101, alive: true)) == [3: .use(101)])
        #expect(Self.told(machine.waiterCancelled(3)) == [:])
        #expect(machine.leased == 1)
        #expect(machine.waiting.isEmpty)
    }

    @Test func shutdownFailsWaitersAndClosesIdleConnections() {
        // Every connection leased, two callers waiting.
        var busy = Self.fullPool(size: 2)
        _ = busy.leaseRequested(3, isAlive: Self.alive)
        _ = busy.leaseRequested(4, isAlive: Self.alive)
        let failed = busy.shutDown()
        #expect(Self.told(failed) == [3: .fail(.shutDown), 4: .fail(.shutDown)])
        #expect(failed.close.isEmpty)
        // Leased connections close when their users are done with them.
        let released = busy.connectionReleased(101, alive: true)
        #expect(released.close == [101])
        #expect(Self.told(released) == [:])
        #expect(Self.told(busy.leaseRequested(5, isAlive: Self.alive)) == [5: .fail(.shutDown)])
        #expect(Self.told(busy.shutDown()) == [:])

        // Two connections idle, one leased.
        var quiet = Self.fullPool(size: 3)
        _ = quiet.connectionReleased(101, alive: true)
        _ = quiet.connectionReleased(102, alive: true)
        let closed = quiet.shutDown()
        #expect(Set(closed.close) == [101, 102])
        #expect(Self.told(closed) == [:])
        #expect(quiet.idle.isEmpty)
        #expect(quiet.connectionReleased(103, alive: true).close == [103])
        #expect(quiet.open == 0)
    }

    @Test func aConnectionOpenedAfterShutdownIsClosedAndItsOpenerFails() {
        var machine = Machine(size: 1)
        #expect(Self.told(machine.leaseRequested(1, isAlive: Self.alive)) == [1: .create])
        #expect(Self.told(machine.leaseRequested(2, isAlive: Self.alive)) == [:])
        #expect(Self.told(machine.shutDown()) == [2: .fail(.shutDown)])
        let created = machine.connectionCreated(101, for: 1)
        #expect(Self.told(created) == [1: .fail(.shutDown)])
        #expect(created.close == [101])
        #expect(machine.open == 0)
        // A failed creation after shutdown hands its slot to nobody.
        var failing = Machine(size: 1)
        _ = failing.leaseRequested(1, isAlive: Self.alive)
        _ = failing.leaseRequested(2, isAlive: Self.alive)
        _ = failing.shutDown()
        #expect(Self.told(failing.creationFailed()) == [:])
    }

    /// Random traffic: the pool never takes more slots than its size, every waiter is told
    /// exactly once, and once everyone is done nothing is leased or reserved.
    @Test(arguments: [1, 2, 5])
    func theSizeIsNeverExceededAndEveryWaiterIsToldOnce(size: Int) {
        var generator = SeededRandom(seed: UInt64(size))
        var machine = Machine(size: size)
        var nextWaiter = 0
        var nextConnection = 0
        var toldOnce: Set<Int> = []
        var holding: [Int] = []  // connections leased
        var opening: [Int] = []  // waiters told to create
        var queued: Set<Int> = []
        var dead: Set<Int> = []

        func apply(_ action: Machine.Action) {
            for (waiter, verdict) in action.verdicts {
                #expect(toldOnce.insert(waiter).inserted, "waiter \(waiter) told twice")
                queued.remove(waiter)
                switch verdict {
                case .use(let connection): holding.append(connection)
                case .create: opening.append(waiter)
                case .fail, .cancelled: break
                }
            }
            #expect(machine.open <= size)
            #expect(machine.open == holding.count + opening.count + machine.idle.count)
            // Nobody waits while a slot or an idle connection is free.
            if !machine.waiting.isEmpty { #expect(machine.open == size && machine.idle.isEmpty) }
        }

        for _ in 0..<5_000 {
            switch Int.random(in: 0..<6, using: &generator) {
            case 0, 1:
                nextWaiter += 1
                queued.insert(nextWaiter)
                apply(machine.leaseRequested(nextWaiter, isAlive: { !dead.contains($0) }))
            case 2 where !opening.isEmpty:
                let waiter = opening.removeFirst()
                if Bool.random(using: &generator) {
                    nextConnection += 1
                    toldOnce.remove(waiter)  // its second verdict, for the connection it opened
                    apply(machine.connectionCreated(nextConnection, for: waiter))
                } else {
                    apply(machine.creationFailed())
                }
            case 3 where !holding.isEmpty:
                let connection = holding.remove(at: Int.random(in: 0..<holding.count, using: &generator))
                let alive = Int.random(in: 0..<5, using: &generator) > 0
                if !alive { dead.insert(connection) }
                apply(machine.connectionReleased(connection, alive: alive))
            case 4 where !queued.isEmpty:
                apply(machine.waiterCancelled(queued.randomElement(using: &generator)!))
            case 5:
                if let idle = machine.idle.randomElement(using: &generator) { dead.insert(idle) }
            default:
                break
            }
        }
        // Everyone finishes: openers give up, users release; nobody is left waiting.
        while !opening.isEmpty || !holding.isEmpty {
            if !opening.isEmpty {
                opening.removeFirst()
                apply(machine.creationFailed())
            }
            if let connection = holding.popLast() { apply(machine.connectionReleased(connection, alive: true)) }
        }
        #expect(queued.isEmpty)
        #expect(machine.waiting.isEmpty)
        #expect(machine.leased == 0)
        #expect(machine.opening == 0)
        #expect(machine.open == machine.idle.count)
    }
}
