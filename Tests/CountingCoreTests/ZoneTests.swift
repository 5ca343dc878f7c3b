import CountingCore
import Testing

struct ZoneTests {
    let square = Zone(name: "lobby", polygon: [Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 10, y: 10), Point(x: 0, y: 10)])

    @Test func pointInPolygon() {
        #expect(square.contains(Point(x: 5, y: 5)))
        #expect(!square.contains(Point(x: 15, y: 5)))
        #expect(!square.contains(Point(x: 5, y: -1)))
    }

    @Test func concavePolygon() {
        // A "U": the notch between the arms is outside.
        let u = Zone(name: "u", polygon: [
            Point(x: 0, y: 0), Point(x: 3, y: 0), Point(x: 3, y: 7), Point(x: 7, y: 7), Point(x: 7, y: 0),
            Point(x: 10, y: 0), Point(x: 10, y: 10), Point(x: 0, y: 10),
        ])
        #expect(u.contains(Point(x: 1, y: 1)))
        #expect(!u.contains(Point(x: 5, y: 3)))
        #expect(u.contains(Point(x: 5, y: 9)))
    }

    @Test func occupancyFollowsTracksAndNeverGoesNegative() {
        var counter = ZoneCounter(zone: square)
        _ = counter.observe(trackID: 1, point: Point(x: 5, y: 5), time: 0)
        _ = counter.observe(trackID: 2, point: Point(x: 6, y: 6), time: 0)
        _ = counter.observe(trackID: 1, point: Point(x: 5, y: 5), time: 1)
        #expect(counter.occupancy == 2)
        _ = counter.observe(trackID: 1, point: Point(x: 50, y: 5), time: 2)
        #expect(counter.occupancy == 1)
        _ = counter.forget(trackID: 2)
        _ = counter.forget(trackID: 2)
        _ = counter.forget(trackID: 7)
        _ = counter.observe(trackID: 1, point: Point(x: 50, y: 5), time: 3)
        #expect(counter.occupancy == 0)
        #expect(counter.trackedCount == 0)
    }

    @Test func visitsReportEntryAndDuration() {
        var counter = ZoneCounter(zone: square)
        let entered = counter.observe(trackID: 1, point: Point(x: 5, y: 5), time: 10)
        #expect(entered == ZoneVisit(zone: "lobby", trackID: 1, enteredAt: 10, exitedAt: nil))
        #expect(counter.observe(trackID: 1, point: Point(x: 6, y: 5), time: 11) == nil)
        let exited = counter.observe(trackID: 1, point: Point(x: 20, y: 5), time: 14.5)
        #expect(exited?.duration == 4.5)
    }

    @Test func minimumDwellKeepsPassersByOut() {
        var counter = ZoneCounter(zone: square, minimumDwell: 2)
        // Walks through in one second: never counted, no events.
        #expect(counter.observe(trackID: 1, point: Point(x: 1, y: 5), time: 0) == nil)
        #expect(counter.observe(trackID: 1, point: Point(x: 9, y: 5), time: 1) == nil)
        #expect(counter.observe(trackID: 1, point: Point(x: 20, y: 5), time: 2) == nil)
        #expect(counter.occupancy == 0)
        // Stays: counted from when it came in, once the dwell is reached.
        #expect(counter.observe(trackID: 2, point: Point(x: 5, y: 5), time: 10) == nil)
        #expect(counter.observe(trackID: 2, point: Point(x: 5, y: 5), time: 11) == nil)
        #expect(counter.observe(trackID: 2, point: Point(x: 5, y: 5), time: 12)?.enteredAt == 10)
        #expect(counter.occupancy == 1)
        // The track ends inside: the visit ends when it was last seen.
        #expect(counter.forget(trackID: 2) == ZoneVisit(zone: "lobby", trackID: 2, enteredAt: 10, exitedAt: 12))
        #expect(counter.occupancy == 0)
    }
}
