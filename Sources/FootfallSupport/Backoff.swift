/// Delays between attempts that grow exponentially up to a ceiling, with jitter so that many
/// clients that failed together (a broker restarted, a switch rebooted) do not retry in step.
public struct Backoff: Sendable, Hashable {
    /// How much of each delay is left to chance.
    public enum Jitter: Sendable, Hashable {
        /// The delay exactly.
        case none
        /// Half the delay fixed, half random: between d / 2 and d.
        case equal
        /// The delay times a random factor within ± the fraction (0.2: from 0.8 d to 1.2 d).
        case proportional(Double)
    }

    /// The delay before the first retry, before jitter.
    public var initial: Duration
    /// No delay grows beyond this, before jitter.
    public var maximum: Duration
    public var jitter: Jitter

    public init(initial: Duration, maximum: Duration, jitter: Jitter = .equal) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.jitter = jitter
    }

    /// The delay before the first retry is `initial`, and each later one doubles, up to `maximum`.
    public func baseDelay(attempt: Int) -> Duration {
        var delay = initial
        var doublings = max(0, attempt - 1)
        while doublings > 0 && delay < maximum && delay > .zero {
            delay = delay * 2
            doublings -= 1
        }
        return min(delay, maximum)
    }

    /// The delay before retry number `attempt` (counting from 1), jittered with `generator`.
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let base = baseDelay(attempt: attempt)
        switch jitter {
        case .none:
            return base
        case .equal:
            return base / 2 + base / 2 * Double.random(in: 0...1, using: &generator)
        case .proportional(let fraction):
            let spread = min(max(fraction, 0), 1)
            return base * Double.random(in: (1 - spread)...(1 + spread), using: &generator)
        }
    }

    /// The delay before retry number `attempt` (counting from 1), with the system's randomness.
    public func delay(attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &generator)
    }
}
