import CountingCore
import Foundation
import Messaging
import Storage
import Testing

@testable import Pipeline

/// The counting state of one run, without any I/O: fed engine events, checked synchronously.
struct CameraRunTests {
    static let geometry = Geometry(lines: [CountingLine(name: "door", a: Point(x: 100, y: 0), b: Point(x: 100, y: 300))],
                                   zones: [Zone(name: "hall", polygon: [Point(x: 0, y: 0), Point(x: 90, y: 0),
                                                                        Point(x: 90, y: 300), Point(x: 0, y: 300)])])
    static let camera = Camera(id: "door-cam", name: "Door", source: CameraSource.externalText, geometry: geometry)
    /// 23:59:00 UTC.
    static let start = Date(timeIntervalSince1970: 1_800_000_000 - 1_800_000_000.truncatingRemainder(dividingBy: 86_400) + 86_340)

    /// One person walking left to right across the door at 10 frames/s, 4 px a frame.
    static func walk(frames: Int) -> [(Double, [Detection])] {
        (0..<frames).map { i in
            (Double(i) * 0.1, [Detection(box: Box(x: 10 + Double(i) * 4, y: 90, width: 30, height: 60), confidence: 0.9)])
        }
    }

    @Test func aCrossingGoesToTheOutboxTheTotalsTheLiveStateAndAMessage() throws {
        var engine = CountingEngine(geometry: Self.geometry)
        var run = CameraRun(camera: Self.camera, runID: "L7", start: Self.start,
                            storedToday: ["door": CrossingTotals(countIn: 2, countOut: 5)])
        #expect(run.live.lines == [.init(name: "door", countIn: 2, countOut: 5)])
        let connecting = run.setStatus(.connecting, reason: nil)
        #expect(connecting)
        var outputs: [CameraRun.FrameOutput] = []
        for (time, detections) in Self.walk(frames: 45) {
            outputs.append(run.record(engine.step(detections: detections, time: time), streamTime: time, engine: engine))
        }
        #expect(outputs.first?.cameOnline == true)
        #expect(outputs.dropFirst().allSatisfy { !$0.cameOnline })
        #expect(run.live.status == .online)
        let crossings = outputs.flatMap(\.messages).compactMap { message -> LiveMessage.Crossing? in
            if case .crossing(let crossing) = message { return crossing }
            return nil
        }
        #expect(crossings.map(\.direction) == [.out])
        #expect(crossings.first.map { ($0.totalIn, $0.totalOut) } ?? (0, 0) == (2, 6))
        #expect(run.live.lines == [.init(name: "door", countIn: 2, countOut: 6)])
        #expect(run.outbox.pending.count == 1)
        let crossing = try #require(run.outbox.pending.first)
        #expect(crossing.id == "door-cam/door/out/\(LineCrossing.milliseconds(crossing.time.timeIntervalSince1970))/0",
                 "camera, line, direction and time name the crossing, whichever run counted it")
        #expect(run.frames == 45)
        #expect(run.live.framesPerSecond > 9 && run.live.framesPerSecond < 11)
    }

    @Test func crossingsInOneMillisecondGetTheirOwnIdsAndAnotherRunGivesThemTheSameOnes() {
        func crossing(_ track: Int, at time: Double) -> CountingEvent {
            .crossing(LineCrossing(line: "door", direction: .in, trackID: track, time: time, totalIn: track, totalOut: 0))
        }
        // Two people in the same frame, a third held back until confirmed and reported later with its time.
        var first = CameraRun(camera: Self.camera, runID: "L7", start: Self.start, storedToday: [:])
        _ = first.record([crossing(1, at: 2.5), crossing(2, at: 2.5)], streamTime: 2.5, engine: CountingEngine(geometry: Self.geometry))
        _ = first.record([crossing(3, at: 2.5)], streamTime: 2.7, engine: CountingEngine(geometry: Self.geometry))
        let ids = first.outbox.pending.map(\.id)
        #expect(Set(ids).count == 3)
        // Another run (another worker, starting 1.5 s later on a fresh engine) counting the same frames.
        var second = CameraRun(camera: Self.camera, runID: "L9", start: Self.start.addingTimeInterval(1.5), storedToday: [:])
        _ = second.record([crossing(11, at: 1.0), crossing(12, at: 1.0)], streamTime: 1.0, engine: CountingEngine(geometry: Self.geometry))
        _ = second.record([crossing(13, at: 1.0)], streamTime: 1.2, engine: CountingEngine(geometry: Self.geometry))
        #expect(second.outbox.pending.map(\.id) == ids)
    }

    @Test func minutesCloseAsTimePassesAndTheRestDrainsAtTheEnd() {
        var engine = CountingEngine(geometry: Self.geometry)
        var run = CameraRun(camera: Self.camera, runID: "r", start: Self.start, storedToday: [:])
        let closed = Self.walk(frames: 45).map { time, detections in
            run.record(engine.step(detections: detections, time: time), streamTime: time, engine: engine).closedMinutes
        }
        #expect(closed.allSatisfy { $0.isEmpty }, "all 4.5 s fall in one minute")
        let later = run.record(engine.step(detections: [], time: 61), streamTime: 61, engine: engine)
        #expect(Set(later.closedMinutes.map(\.name)) == ["door", "hall"])
        #expect(later.closedMinutes.first { $0.name == "door" }?.countOut == 1)
        let rest = run.drainMinutes()
        #expect(Set(rest.map(\.name)) == ["door", "hall"])
        let nothing = run.drainMinutes()
        #expect(nothing.isEmpty)
    }

    @Test func aQuietCameraStartsANewDayAtMidnight() {
        let engine = CountingEngine(geometry: Self.geometry)
        var run = CameraRun(camera: Self.camera, runID: "r", start: Self.start,
                            storedToday: ["door": CrossingTotals(countIn: 2, countOut: 5)])
        run.startNewDayIfDue(at: Self.start.addingTimeInterval(30), engine: engine)
        #expect(run.live.lines == [.init(name: "door", countIn: 2, countOut: 5)])
        run.startNewDayIfDue(at: Self.start.addingTimeInterval(61), engine: engine)
        #expect(run.live.lines == [.init(name: "door", countIn: 0, countOut: 0)])
    }

    @Test func occupancyIsShownAndPublished() {
        var engine = CountingEngine(geometry: Self.geometry)
        var run = CameraRun(camera: Self.camera, runID: "r", start: Self.start, storedToday: [:])
        var messages: [LiveMessage] = []
        // Someone standing in the hall long enough to count.
        for frame in 0..<40 {
            let time = Double(frame) * 0.1
            let detections = [Detection(box: Box(x: 30, y: 100, width: 30, height: 60), confidence: 0.9)]
            messages += run.record(engine.step(detections: detections, time: time), streamTime: time, engine: engine).messages
        }
        #expect(run.live.zones == [.init(name: "hall", occupancy: 1)])
        #expect(messages.contains { if case .occupancy(let o) = $0 { o.zone == "hall" && o.occupancy == 1 } else { false } })
    }

    /// A hall whose only way in is the door: someone walking in through it is counted in both
    /// occupancies, and the live message carries the one from the counts.
    @Test func aZoneWithEntrancesPublishesItsOccupancyFromTheCounts() {
        var geometry = Self.geometry
        geometry.zones[0].entrances = [ZoneEntrance(line: "door", entering: .in)]
        let camera = Camera(id: "door-cam", name: "Door", source: CameraSource.externalText, geometry: geometry)
        var engine = CountingEngine(geometry: geometry)
        var run = CameraRun(camera: camera, runID: "r", start: Self.start, storedToday: [:])
        var messages: [LiveMessage] = []
        // From x = 215 leftwards into the hall, 4 px a frame: across the door ("in") at frame 29.
        for frame in 0..<50 {
            let time = Double(frame) * 0.1
            let detections = [Detection(box: Box(x: 200 - Double(frame) * 4, y: 90, width: 30, height: 60), confidence: 0.9)]
            messages += run.record(engine.step(detections: detections, time: time), streamTime: time, engine: engine).messages
        }
        #expect(run.live.zones == [.init(name: "hall", occupancy: 1, countedOccupancy: 1)])
        let published = messages.compactMap { if case .occupancy(let o) = $0 { o } else { nil } }
        #expect(published.last?.counted == 1)
        #expect(published.last?.occupancy == 1)
    }

    @Test func aFinishedVisitIsKeptWithItsDwellTimeInTheMinuteItEnded() {
        var engine = CountingEngine(geometry: Self.geometry)
        var run = CameraRun(camera: Self.camera, runID: "r", start: Self.start, storedToday: [:])
        // Someone stands in the hall for 4 s, then the detector loses them for good.
        for frame in 0..<120 {
            let time = Double(frame) * 0.1
            let detections = frame < 40 ? [Detection(box: Box(x: 30, y: 100, width: 30, height: 60), confidence: 0.9)] : []
            _ = run.record(engine.step(detections: detections, time: time), streamTime: time, engine: engine)
        }
        #expect(run.live.zones == [.init(name: "hall", occupancy: 0)])
        let hall = run.drainMinutes().filter { $0.name == "hall" }
        let dwell = hall.flatMap(\.dwellSeconds)
        #expect(dwell.count == 1)
        // Inside from the first frames to the last one seen (3.9 s), less the frames it took to confirm the track.
        #expect((dwell.first ?? 0) > 3 && (dwell.first ?? 0) <= 3.9)
    }
}
