import Synchronization

/// The embedded rate limiter: fixed windows counted in this process.
public final class InMemoryRateLimiter: RateLimiter {
    private struct Window {
        var start: ContinuousClock.Instant
        var count: Int
    }

    private let windows = Mutex<[String: Window]>([:])
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.now = now
    }

    public func allow(key: String, limit: Int, window: Duration) -> Bool {
        let now = now()
        return windows.withLock { windows in
            // Forget expired windows now and then, so idle keys do not pile up.
            if windows.count > 10_000 { windows = windows.filter { now - $0.value.start < window } }
            var current = windows[key] ?? Window(start: now, count: 0)
            if now - current.start >= window { current = Window(start: now, count: 0) }
            current.count += 1
            windows[key] = current
            return current.count <= limit
        }
    }
}
