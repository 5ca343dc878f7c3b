import FootfallSupport
import Synchronization

/// The embedded worker registry: the workers of one process (usually one), expiring by `clock`.
public final class InMemoryWorkerRegistry: WorkerRegistry {
    private struct Entry {
        var status: WorkerStatus
        var expires: AnyClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let clock: AnyClock

    /// - Parameter clock: the clock that expires announcements.
    public init(clock: any Clock<Duration> = ContinuousClock()) {
        self.clock = AnyClock(clock)
    }

    public func announce(_ status: WorkerStatus, ttl: Duration) {
        let expires = clock.now.advanced(by: ttl)
        entries.withLock { $0[status.name] = Entry(status: status, expires: expires) }
    }

    public func withdraw(name: String) {
        entries.withLock { $0[name] = nil }
    }

    public func workers() -> [WorkerStatus] {
        let now = clock.now
        return entries.withLock { entries in
            entries = entries.filter { $0.value.expires > now }
            return entries.values.map(\.status).sorted { $0.name < $1.name }
        }
    }
}
