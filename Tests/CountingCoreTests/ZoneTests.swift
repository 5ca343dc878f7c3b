import CountingCore
import Foundation
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

    @Test func oneMissedFrameAtALowRateIsNotTakenForSomeoneGone() {
        // Analysed once a second: unseen at 1 s, but seen at the step before.
        var counter = ZoneCounter(zone: square, presenceSeconds: 0.5)
        _ = counter.observe(trackID: 1, point: Point(x: 5, y: 5), time: 0)
        counter.expire(time: 1, previousStep: 0)
        #expect(counter.occupancy == 1)
        // Missed at two steps in a row: gone.
        counter.expire(time: 2, previousStep: 1)
        #expect(counter.occupancy == 0)
    }

    @Test func aPersonFoundOutsideAfterExpiryLeavesOnceWithoutGoingBelowZero() {
        var counter = ZoneCounter(zone: square, presenceSeconds: 0.5)
        _ = counter.observe(trackID: 1, point: Point(x: 5, y: 5), time: 0)
        _ = counter.observe(trackID: 2, point: Point(x: 6, y: 6), time: 0.9)
        counter.expire(time: 1, previousStep: 0.9)
        #expect(counter.occupancy == 1, "only the one unseen is out")
        // Found again outside: the visit ends then, and the other person is still counted.
        #expect(counter.observe(trackID: 1, point: Point(x: 50, y: 5), time: 1.2)
                == ZoneVisit(zone: "lobby", trackID: 1, enteredAt: 0, exitedAt: 1.2))
        #expect(counter.occupancy == 1)
        #expect(counter.trackedCount == 1)
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

    @Test func aPersonUnseenTooLongLeavesTheOccupancyButNotTheVisit() {
        var counter = ZoneCounter(zone: square, presenceSeconds: 0.5)
        #expect(counter.observe(trackID: 1, point: Point(x: 5, y: 5), time: 0)?.enteredAt == 0)
        counter.expire(time: 0.5, previousStep: 0.4)
        #expect(counter.occupancy == 1, "seen 0.5 s ago: still inside")
        counter.expire(time: 0.6, previousStep: 0.5)
        #expect(counter.occupancy == 0)
        #expect(counter.trackedCount == 1, "the visit goes on")
        counter.expire(time: 0.7, previousStep: 0.6)
        #expect(counter.occupancy == 0, "taken out once")
        // Found again inside: counted again, with no second entry.
        #expect(counter.observe(trackID: 1, point: Point(x: 6, y: 5), time: 0.8) == nil)
        #expect(counter.occupancy == 1)
        counter.expire(time: 1.4, previousStep: 1.3)
        #expect(counter.occupancy == 0)
        // The track ends while unseen: one exit, when last seen inside, and no count below zero.
        #expect(counter.forget(trackID: 1) == ZoneVisit(zone: "lobby", trackID: 1, enteredAt: 0, exitedAt: 0.8))
        #expect(counter.occupancy == 0)
        #expect(counter.trackedCount == 0)
    }

    @Test func withoutAPresenceTimeAnUnseenPersonCountsUntilTheirTrackEnds() {
        var counter = ZoneCounter(zone: square)
        _ = counter.observe(trackID: 1, point: Point(x: 5, y: 5), time: 0)
        counter.expire(time: 100, previousStep: 99)
        #expect(counter.occupancy == 1)
        _ = counter.forget(trackID: 1)
        #expect(counter.occupancy == 0)
    }

    let present = CountingConfiguration(zonePresenceSeconds: 0.5)
    let hall = Zone(name: "hall", polygon: [Point(x: 300, y: 0), Point(x: 600, y: 0), Point(x: 600, y: 400), Point(x: 300, y: 400)])

    /// Steps a person standing in the hall for 1 s (frames at 0.1 s), then `detections(i)` from
    /// frame 11 on, to frame `last`; returns the occupancy after each frame and the events.
    func standThen(_ configuration: CountingConfiguration, last: Int, detections: (Int) -> [Detection])
        -> (occupancy: [Int], events: [CountingEvent], engine: CountingEngine) {
        var engine = CountingEngine(geometry: Geometry(lines: [], zones: [hall]), configuration: configuration)
        var occupancy: [Int] = []
        var events: [CountingEvent] = []
        for i in 0...last {
            events += engine.step(detections: i <= 10 ? [person(450, 300)] : detections(i), time: Double(i) / 10)
            occupancy.append(engine.zoneCounters[0].occupancy)
        }
        return (occupancy, events, engine)
    }

    @Test func someoneWhoLeftThePictureIsNotCountedWhileTheTrackerKeepsTheirTrack() {
        // Gone after 1 s: the tracker keeps the lost track for 1 s more, to find them again.
        let kept = standThen(present, last: 16) { _ in [] }
        #expect(kept.engine.tracks.count == 1, "the track is still kept at 1.6 s")
        #expect(kept.occupancy[10] == 1)
        #expect(kept.occupancy[15] == 1, "unseen for 0.5 s: still inside")
        #expect(kept.occupancy[16] == 0, "unseen for 0.6 s: not counted")
        let changes = kept.events.compactMap { event -> Int? in
            if case .occupancy(let occupancy) = event { occupancy.occupancy } else { nil }
        }
        #expect(changes == [1, 0], "the live number is told")

        let ended = standThen(present, last: 21) { _ in [] }
        let exits = ended.events.compactMap { event -> ZoneVisit? in if case .zoneExited(let visit) = event { visit } else { nil } }
        #expect(ended.engine.tracks.isEmpty)
        #expect(exits.map(\.exitedAt) == [1.0], "one exit, when last seen")

        let old = standThen(CountingConfiguration(), last: 21) { _ in [] }
        #expect(old.occupancy[16] == 1 && old.occupancy[20] == 1, "counted while the track is kept")
        #expect(old.occupancy[21] == 0)
    }

    @Test func atALowRateOneMissedFrameIsNotALeaving() {
        // A frame every 0.6 s, the person missed once (at 3 s): unseen for more than 0.5 s, but
        // seen at the step before.
        var engine = CountingEngine(geometry: Geometry(lines: [], zones: [hall]), configuration: present)
        var occupancy: [Int] = []
        for i in 0...8 {
            _ = engine.step(detections: i == 5 ? [] : [person(450, 300)], time: Double(i) * 0.6)
            occupancy.append(engine.zoneCounters[0].occupancy)
        }
        #expect(occupancy == [0, 1, 1, 1, 1, 1, 1, 1, 1])
    }

    @Test func anEngineSavedBeforeThePresenceTimeReadsWithNoneAndCountsOnTheSame() throws {
        // Someone in the hall, then lost: saved while the tracker still keeps their track.
        var engine = standThen(CountingConfiguration(), last: 14) { _ in [] }.engine
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var json = try #require(try JSONSerialization.jsonObject(with: encoder.encode(engine)) as? [String: Any])
        let removed = Self.removeKeys(["zonePresenceSeconds", "presenceSeconds", "present"], from: &json)
        #expect(removed == 3, "the setting, the counter's time and the visit's flag")
        var old = try JSONDecoder().decode(CountingEngine.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(try encoder.encode(old) == encoder.encode(engine), "read as it was saved")
        #expect(old.zoneCounters[0].occupancy == 1)
        for i in 15...25 {
            #expect(old.step(detections: [], time: Double(i) / 10) == engine.step(detections: [], time: Double(i) / 10))
        }
        #expect(old.zoneCounters[0].occupancy == 0)
    }

    /// Removes every value under these keys, at any depth; returns how many were removed.
    static func removeKeys(_ keys: Set<String>, from object: inout [String: Any]) -> Int {
        var removed = 0
        for key in object.keys {
            if keys.contains(key) {
                object[key] = nil
                removed += 1
            } else if var inner = object[key] as? [String: Any] {
                removed += removeKeys(keys, from: &inner)
                object[key] = inner
            } else if var list = object[key] as? [Any] {
                for index in list.indices {
                    guard var inner = list[index] as? [String: Any] else { continue }
                    removed += removeKeys(keys, from: &inner)
                    list[index] = inner
                }
                object[key] = list
            }
        }
        return removed
    }

    @Test func aPersonFoundAgainCountsAgainWithNoSecondEntry() {
        // Missed for 0.3 s, then for 0.7 s, then seen to the end.
        let run = standThen(present, last: 30) { i in (11...13).contains(i) || (16...22).contains(i) ? [] : [person(450, 300)] }
        #expect(run.occupancy[13] == 1, "a short miss changes nothing")
        #expect(run.occupancy[21] == 0 && run.occupancy[22] == 0, "unseen 0.6 s and more: not counted")
        #expect(run.occupancy[23] == 1)
        let entries = run.events.filter { if case .zoneEntered = $0 { true } else { false } }
        let exits = run.events.filter { if case .zoneExited = $0 { true } else { false } }
        #expect(entries.count == 1)
        #expect(exits.isEmpty, "one track throughout: no visit ended")
    }

    // A room right of a door at x = 300, entered through the door only: walking right is "out"
    // of the door line (side +1 is its left), which is into the room.
    let door = CountingLine(name: "door", a: Point(x: 300, y: 0), b: Point(x: 300, y: 400))
    let room = Zone(name: "room", polygon: [Point(x: 300, y: 0), Point(x: 600, y: 0), Point(x: 600, y: 400), Point(x: 300, y: 400)],
                    entrances: [ZoneEntrance(line: "door", entering: .out)])

    func person(_ x: Double, _ y: Double) -> Detection {
        Detection(box: Box(x: x - 20, y: y - 100, width: 40, height: 100), confidence: 0.9)
    }

    @Test func occupancyFromTheDoorsCountsAgreesWithPresence() {
        var engine = CountingEngine(geometry: Geometry(lines: [door], zones: [room]))
        var last: ZoneOccupancy?
        var time = 0.0
        func step(_ detections: [Detection]) {
            for case .occupancy(let occupancy) in engine.step(detections: detections, time: time) { last = occupancy }
            time += 0.04
        }
        // Two people walk in and stop; then the second walks out again.
        for x in stride(from: 200.0, through: 450, by: 6) { step([person(x, 150), person(x, 300)]) }
        for _ in 0..<10 { step([person(450, 150), person(450, 300)]) }
        #expect(last?.occupancy == 2)
        #expect(last?.countedOccupancy == 2)
        for x in stride(from: 450.0, through: 200, by: -6) { step([person(450, 150), person(x, 300)]) }
        for _ in 0..<40 { step([person(450, 150)]) }
        #expect(engine.zoneCounters[0].occupancy == 1)
        #expect(engine.zoneCounters[0].countedOccupancy == 1)
        #expect(last?.countedOccupancy == 1)
    }

    @Test func someoneInsideBeforeCountingBeganShowsAsDrift() {
        var engine = CountingEngine(geometry: Geometry(lines: [door], zones: [room]))
        var time = 0.0
        // Someone already in the room, and someone walking in.
        for x in stride(from: 200.0, through: 450, by: 6) {
            _ = engine.step(detections: [person(550, 350), person(x, 150)], time: time)
            time += 0.04
        }
        #expect(engine.zoneCounters[0].occupancy == 2)
        #expect(engine.zoneCounters[0].countedOccupancy == 1)
        // They leave: counted occupancy never goes below zero.
        for x in stride(from: 550.0, through: 150, by: -6) {
            _ = engine.step(detections: [person(x, 350), person(450, 150)], time: time)
            time += 0.04
        }
        for x in stride(from: 450.0, through: 150, by: -6) {
            _ = engine.step(detections: [person(x, 150)], time: time)
            time += 0.04
        }
        #expect(engine.zoneCounters[0].countedOccupancy == 0)
    }

    @Test func aZoneWithoutEntrancesHasNoCountedOccupancy() {
        var counter = ZoneCounter(zone: square)
        #expect(counter.countedOccupancy == nil)
        let changed = counter.noteCrossing(line: "door", direction: .in)
        #expect(!changed)
        #expect(counter.countedOccupancy == nil)
    }

    @Test func entrancesMustNameALineOnce() throws {
        var geometry = Geometry(lines: [door], zones: [room])
        try geometry.validate()
        geometry.zones[0].entrances = [ZoneEntrance(line: "gate", entering: .in)]
        #expect(throws: CountingCoreError.invalidGeometry(field: "zones[0].entrances[0].line",
                                                        reason: "there is no line named \"gate\"")) { try geometry.validate() }
        geometry.zones[0].entrances = [ZoneEntrance(line: "door", entering: .in), ZoneEntrance(line: "door", entering: .out)]
        #expect(throws: CountingCoreError.invalidGeometry(field: "zones[0].entrances[1].line",
                                                        reason: "the line \"door\" is listed twice")) { try geometry.validate() }
    }

    @Test func entrancesAreWrittenOnlyWhenThereAreSome() throws {
        let plain = String(decoding: try JSONEncoder().encode(square), as: UTF8.self)
        #expect(!plain.contains("entrances"))
        let data = try JSONEncoder().encode(room)
        #expect(String(decoding: data, as: UTF8.self).contains(#""entrances":[{"#))
        #expect(try JSONDecoder().decode(Zone.self, from: data) == room)
        let old = #"{"name":"lobby","polygon":[[0,0],[10,0],[10,10]]}"#
        #expect(try JSONDecoder().decode(Zone.self, from: Data(old.utf8)).entrances.isEmpty)
    }
}
