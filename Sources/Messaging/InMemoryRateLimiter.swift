import FootfallSupport
import Synchronization

/// The embedded rate limiter: fixed windows counted in this process, timed by `clock`.
public final class InMemoryRateLimiter: RateLimiter {
    private struct Window {
        var start: AnyClock.Instant
        var count: Int
    }

    private let windows = Mutex<[String: Window]>([:])
    private let clock: AnyClock

    public init(clock: any Clock<Duration> = ContinuousClock()) {
        self.clock = AnyClock(clock)
    }

    public func allow(key: String, limit: Int, window: Duration) -> Bool {
        let now = clock.now
        return windows.withLock { windows in
            // Forget expired windows now and then, so idle keys do not pile up.
            if windows.count > 10_000 { windows = windows.filter { $0.value.start.duration(to: now) < window } }
            var current = windows[key] ?? Window(start: now, count: 0)
            if current.start.duration(to: now) >= window { current = Window(start: now, count: 0) }
            current.count += 1
            windows[key] = current
            return current.count <= limit
        }
    }
}
