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
        counter.observe(trackID: 1, point: Point(x: 5, y: 5))
        counter.observe(trackID: 2, point: Point(x: 6, y: 6))
        counter.observe(trackID: 1, point: Point(x: 5, y: 5))
        #expect(counter.occupancy == 2)
        counter.observe(trackID: 1, point: Point(x: 50, y: 5))
        #expect(counter.occupancy == 1)
        counter.forget(trackID: 2)
        counter.forget(trackID: 2)
        counter.forget(trackID: 7)
        #expect(counter.occupancy == 0)
    }
}
