import FootfallSupport
import ServiceLifecycle
#if canImport(Glibc)
import CMalloc
#endif

/// Hands memory the allocator has freed back to the system every `interval`. After a burst of
/// connections (thousands opened and refused or closed), glibc keeps the freed pages for the
/// process; without this the server's memory stays at its peak after the load has gone.
public struct MemoryTrimService: Service {
    let interval: Duration
    let clock: AnyClock

    public init(interval: Duration = .seconds(30), clock: any Clock<Duration> = ContinuousClock()) {
        self.interval = interval
        self.clock = AnyClock(clock)
    }

    public func run() async throws {
        await runRounds(every: interval, clock: clock) {
            #if canImport(Glibc)
            _ = malloc_trim(0)
            #endif
        }
    }
}
