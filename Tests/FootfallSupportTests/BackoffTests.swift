import FootfallSupport
import FootfallTestSupport
import Testing

struct BackoffTests {
    @Test func delaysDoubleFromTheInitialUpToTheMaximum() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1), jitter: .none)
        let delays = (1...7).map { backoff.delay(attempt: $0) }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
                           .seconds(1), .seconds(1), .seconds(1)])
        #expect(backoff.delay(attempt: 10_000_000) == .seconds(1))
        #expect(backoff.delay(attempt: 0) == .milliseconds(100))
    }

    @Test func subSecondMaximaAreKept() {
        // A ceiling below a second must stay what it says, not round to whole seconds.
        let backoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(500), jitter: .none)
        #expect(backoff.delay(attempt: 8) == .milliseconds(500))
        #expect(backoff.delay(attempt: 2) == .milliseconds(100))
    }

    @Test func equalJitterStaysBetweenHalfAndTheWholeDelay() {
        let backoff = Backoff(initial: .seconds(2), maximum: .seconds(2), jitter: .equal)
        var generator = SeededRandom(seed: 7)
        let delays = (0..<1_000).map { _ in backoff.delay(attempt: 1, using: &generator) }
        #expect(delays.allSatisfy { $0 >= .seconds(1) && $0 <= .seconds(2) })
        // Spread over the whole range, not stuck at one end.
        #expect(delays.min()! < .milliseconds(1_100) && delays.max()! > .milliseconds(1_900))
    }

    @Test func proportionalJitterSpreadsAroundTheDelay() {
        let backoff = Backoff(initial: .seconds(10), maximum: .seconds(30), jitter: .proportional(0.2))
        var generator = SeededRandom(seed: 11)
        let delays = (0..<1_000).map { _ in backoff.delay(attempt: 1, using: &generator) }
        #expect(delays.allSatisfy { $0 >= .seconds(8) && $0 <= .seconds(12) })
        #expect(delays.min()! < .milliseconds(8_500) && delays.max()! > .milliseconds(11_500))
    }

    @Test func aMaximumBelowTheInitialDelayIsRaisedToIt() {
        let backoff = Backoff(initial: .seconds(5), maximum: .seconds(1), jitter: .none)
        #expect(backoff.delay(attempt: 3) == .seconds(5))
    }
}
