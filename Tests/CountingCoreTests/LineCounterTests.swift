import CountingCore
import Testing

/// The line rule of docs/counting.md on synthetic trajectories of one track.
struct LineCounterTests {
    // A vertical line from (100, 0) down to (100, 100): left of it is side +1, right is side −1.
    let line = CountingLine(name: "door", a: Point(x: 100, y: 0), b: Point(x: 100, y: 100))

    func crossings(_ points: [(Double, Double)]) -> [CrossingDirection] {
        var counter = LineCounter(line: line)
        return points.compactMap { counter.observe(trackID: 1, point: Point(x: $0.0, y: $0.1)) }
    }

    @Test func sidesFollowTheDocumentedSign() {
        #expect(line.side(of: Point(x: 50, y: 50)) == 1)
        #expect(line.side(of: Point(x: 150, y: 50)) == -1)
        #expect(line.side(of: Point(x: 100, y: 500)) == 0)
    }

    @Test func minusToPlusCountsInAndPlusToMinusCountsOut() {
        #expect(crossings([(150, 50), (120, 50), (80, 50), (50, 50)]) == [.in])
        #expect(crossings([(50, 50), (80, 50), (120, 50), (150, 50)]) == [.out])
    }

    @Test func touchingTheLineAndTurningBackNeverCounts() {
        #expect(crossings([(50, 50), (90, 50), (100, 50), (100, 50), (90, 50), (50, 50)]).isEmpty)
    }

    @Test func stoppingOnTheLineThenGoingOnCountsOnce() {
        #expect(crossings([(50, 50), (100, 50), (100, 50), (100, 50), (130, 50)]) == [.out])
    }

    @Test func crossingOutsideTheSegmentEndsDoesNotCount() {
        #expect(crossings([(50, 150), (150, 150)]).isEmpty)
        #expect(crossings([(50, -10), (150, -10)]).isEmpty)
    }

    @Test func goingAroundTheEndThenBackThroughTheSegmentCountsOnlyTheReturn() {
        #expect(crossings([(50, 150), (150, 150), (150, 50), (50, 50)]) == [.in])
    }

    @Test func aJumpAcrossTheLineBetweenTwoFramesCounts() {
        #expect(crossings([(10, 50), (190, 60)]) == [.out])
    }

    @Test func aJumpFromBeyondTheEndThatPassesThroughTheSegmentCounts() {
        // From below-left to above-right: the straight move passes through (100, 50).
        #expect(crossings([(50, 100), (150, 0)]) == [.out])
    }

    @Test func passingExactlyThroughAnEndPointCounts() {
        #expect(crossings([(50, 100), (150, 100)]) == [.out])
    }

    @Test func tracksAreCountedIndependently() {
        var counter = LineCounter(line: line)
        #expect(counter.observe(trackID: 1, point: Point(x: 50, y: 50)) == nil)
        #expect(counter.observe(trackID: 2, point: Point(x: 150, y: 50)) == nil)
        #expect(counter.observe(trackID: 1, point: Point(x: 150, y: 50)) == .out)
        #expect(counter.observe(trackID: 2, point: Point(x: 50, y: 50)) == .in)
        counter.forget(trackID: 1)
        counter.forget(trackID: 2)
        #expect(counter.trackedCount == 0)
    }
}
