/// Any clock that measures `Duration`, behind one concrete type, so that services can take a
/// clock as a plain parameter (`clock: any Clock<Duration> = ContinuousClock()`) without becoming
/// generic. Tests pass a manual clock; production passes the default, `ContinuousClock`.
///
/// Its instants count from the moment the wrapper was made.
public struct AnyClock: Clock {
    /// A point in time: how long after the wrapper was made.
    public struct Instant: InstantProtocol, Sendable {
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration, Duration?) async throws -> Void
    public let minimumResolution: Duration

    /// Wraps `clock`; `clock` itself when it is already an `AnyClock`.
    public init(_ clock: any Clock<Duration>) {
        if let wrapped = clock as? AnyClock {
            self = wrapped
            return
        }
        self.init(opening: clock)
    }

    private init<C: Clock>(opening clock: C) where C.Duration == Duration {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleeper = { offset, tolerance in try await clock.sleep(until: origin.advanced(by: offset), tolerance: tolerance) }
        minimumResolution = clock.minimumResolution
    }

    public var now: Instant { Instant(offset: elapsed()) }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await sleeper(deadline.offset, tolerance)
    }
}
