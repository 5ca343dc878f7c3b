import CountingCore
import Foundation
import Testing

/// The tracker and counters together, on synthetic detections.
struct CountingEngineTests {
    let geometry = Geometry(
        lines: [CountingLine(name: "door", a: Point(x: 100, y: 0), b: Point(x: 100, y: 200))],
        zones: [Zone(name: "right", polygon: [Point(x: 100, y: 0), Point(x: 300, y: 0), Point(x: 300, y: 200), Point(x: 100, y: 200)])])

    /// A person 20×40 whose feet are at (x, 100).
    func person(atX x: Double, y: Double = 100) -> Detection {
        Detection(box: Box(x: x - 10, y: y - 40, width: 20, height: 40))
    }

    func crossings(_ events: [CountingEvent]) -> [LineCrossing] {
        events.compactMap { if case .crossing(let crossing) = $0 { crossing } else { nil } }
    }

    @Test func onePersonWalkingRightCountsOneOutAndEntersTheZone() {
        var engine = CountingEngine(geometry: geometry)
        var events: [CountingEvent] = []
        for frame in 0..<20 {
            events += engine.step(detections: [person(atX: 40 + Double(frame) * 8)], time: Double(frame) / 10)
        }
        let found = crossings(events)
        #expect(found.map(\.direction) == [.out])
        #expect(found.first?.totalOut == 1)
        #expect(engine.zoneCounters[0].occupancy == 1)
    }

    @Test func aCrossingBeforeConfirmationIsCountedLaterAtTheTimeItHappened() {
        // Confirmation needs 0.2 s (three frames at 10 frames/s); the person crosses between the first and second frame.
        var engine = CountingEngine(geometry: geometry, configuration: CountingConfiguration(
            tracker: TrackerConfiguration(confirmationSeconds: 0.2), lineHysteresis: 0))
        let wide = { (x: Double) in Detection(box: Box(x: x - 20, y: 20, width: 40, height: 80)) }
        #expect(engine.step(detections: [wide(90)], time: 0).isEmpty)
        #expect(crossings(engine.step(detections: [wide(110)], time: 0.1)).isEmpty)
        let confirmed = crossings(engine.step(detections: [wide(130)], time: 0.2))
        #expect(confirmed.count == 1)
        #expect(confirmed.first?.time == 0.1)
        #expect(confirmed.first?.direction == .out)
    }

    @Test func aTrackThatDiesUnconfirmedIsNeverCounted() {
        var engine = CountingEngine(geometry: geometry, tracker: TrackerConfiguration(confirmationSeconds: 0.4, maximumLostSeconds: 0.5))
        var events: [CountingEvent] = []
        events += engine.step(detections: [person(atX: 95)], time: 0)
        events += engine.step(detections: [person(atX: 105)], time: 0.1)
        for frame in 2..<20 { events += engine.step(detections: [], time: Double(frame) / 10) }
        #expect(events.isEmpty)
        #expect(engine.tracks.isEmpty)
        #expect(engine.lineCounters[0].trackedCount == 0)
    }

    @Test func removalIsTimeBasedNotFrameBased() {
        for fps in [5.0, 30.0] {
            var engine = CountingEngine(geometry: geometry, tracker: TrackerConfiguration(maximumLostSeconds: 1))
            // Seen long enough to be confirmed at either rate (0.2 s).
            for frame in 0..<10 { _ = engine.step(detections: [person(atX: 200)], time: Double(frame) / fps) }
            let lastSeen = 9 / fps
            _ = engine.step(detections: [], time: lastSeen + 0.9)
            #expect(engine.tracks.count == 1, "still alive 0.9 s after the last detection at \(fps) fps")
            _ = engine.step(detections: [], time: lastSeen + 1.1)
            #expect(engine.tracks.isEmpty, "gone 1.1 s after the last detection at \(fps) fps")
        }
    }

    @Test func occupancyDropsWhenATrackLeavesTheSceneInsideTheZone() {
        var engine = CountingEngine(geometry: geometry, tracker: TrackerConfiguration(maximumLostSeconds: 0.5))
        var changes: [Int] = []
        for frame in 0..<5 {
            for event in engine.step(detections: [person(atX: 200)], time: Double(frame) / 10) {
                if case .occupancy(let occupancy) = event { changes.append(occupancy.occupancy) }
            }
        }
        for frame in 5..<15 {
            for event in engine.step(detections: [], time: Double(frame) / 10) {
                if case .occupancy(let occupancy) = event { changes.append(occupancy.occupancy) }
            }
        }
        #expect(changes == [1, 0])
    }

    @Test func twoPeopleWalkingTowardsEachOtherKeepTheirDirections() {
        var engine = CountingEngine(geometry: geometry)
        var events: [CountingEvent] = []
        for frame in 0..<25 {
            let step = Double(frame) * 8
            events += engine.step(detections: [person(atX: 10 + step, y: 60), person(atX: 190 - step, y: 160)],
                                  time: Double(frame) / 10)
        }
        let found = crossings(events)
        #expect(found.count == 2)
        #expect(Set(found.map(\.direction)) == [.in, .out])
        #expect(Set(found.map(\.trackID)).count == 2)
    }

    @Test func aGeometryChangeKeepsUnchangedLinesAndCountsNewOnesFromZero() {
        var engine = CountingEngine(geometry: geometry)
        var events: [CountingEvent] = []
        // Walking right: halfway to the door, the operator adds a second line further right.
        for frame in 0..<5 {
            events += engine.step(detections: [person(atX: 40 + Double(frame) * 8)], time: Double(frame) / 10)
        }
        var edited = geometry
        edited.lines.append(CountingLine(name: "exit", a: Point(x: 160, y: 0), b: Point(x: 160, y: 200)))
        engine.setGeometry(edited)
        #expect(engine.geometry == edited)
        for frame in 5..<25 {
            events += engine.step(detections: [person(atX: 40 + Double(frame) * 8)], time: Double(frame) / 10)
        }
        let found = crossings(events)
        #expect(found.map(\.line) == ["door", "exit"])
        #expect(found.map(\.totalOut) == [1, 1])
        #expect(engine.zoneCounters[0].occupancy == 1, "the unchanged zone kept its visitor")

        // Moving the door makes it a new line: its totals start again; removing the zone empties it.
        var moved = edited
        moved.lines[0].a.x = 120
        moved.lines[0].b.x = 120
        moved.zones = []
        engine.setGeometry(moved)
        #expect(engine.lineCounters.map(\.totalOut) == [0, 1])
        #expect(engine.zoneCounters.isEmpty)
    }
}

/// An engine written out mid-stream and read back counts exactly as the one that carried on:
/// what a worker taking over a camera from a checkpoint relies on.
struct CountingEngineCodingTests {
    /// Eight people walking both ways across a door line and through a zone, missed now and then.
    static func frame(_ index: Int) -> [Detection] {
        (0..<8).compactMap { person -> Detection? in
            var seed = UInt64(index * 31 + person * 7 + 1) &* 0x9E37_79B9_7F4A_7C15
            seed ^= seed >> 29
            guard seed % 9 != 0 else { return nil }
            let speed = Double(30 + person * 11) * (person.isMultiple(of: 2) ? 1 : -1)
            let phase = Double(person * 53)
            let x = (phase + speed * Double(index) / 5).truncatingRemainder(dividingBy: 400)
            let left = x < 0 ? x + 400 : x
            return Detection(box: Box(x: left - 10, y: 40 + Double(person * 15), width: 20, height: 40),
                             confidence: 0.6 + Double(seed % 40) / 100)
        }
    }

    @Test func anEngineReadBackMidStreamCountsAsTheOneThatCarriedOn() throws {
        let geometry = Geometry(
            lines: [CountingLine(name: "door", a: Point(x: 200, y: 0), b: Point(x: 200, y: 300))],
            zones: [Zone(name: "hall", polygon: [Point(x: 200, y: 0), Point(x: 400, y: 0), Point(x: 400, y: 300), Point(x: 200, y: 300)])])
        var engine = CountingEngine(geometry: geometry)
        for index in 0..<150 { _ = engine.step(detections: Self.frame(index), time: Double(index) / 5) }
        #expect(engine.retainedTrackStates > 0)

        let data = try JSONEncoder().encode(engine)
        var restored = try JSONDecoder().decode(CountingEngine.self, from: data)
        var carriedOn: [CountingEvent] = []
        var fromCheckpoint: [CountingEvent] = []
        for index in 150..<400 {
            carriedOn += engine.step(detections: Self.frame(index), time: Double(index) / 5)
            fromCheckpoint += restored.step(detections: Self.frame(index), time: Double(index) / 5)
        }
        let crossings = carriedOn.filter { if case .crossing = $0 { true } else { false } }
        #expect(crossings.count > 10)
        #expect(fromCheckpoint == carriedOn)
        #expect(restored.tracks == engine.tracks)
    }
}
