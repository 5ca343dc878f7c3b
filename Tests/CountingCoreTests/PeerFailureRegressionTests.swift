import CountingCore
import Testing

/// Miscounts reported against widely used open-source counters, replayed as synthetic
/// trajectories. Each test is named after the failure it prevents.
struct PeerFailureRegressionTests {
    /// A vertical door line at x = 300 from y = 0 to 400; left of it is side +1 ("in").
    let door = CountingLine(name: "door", a: Point(x: 300, y: 0), b: Point(x: 300, y: 400))

    /// A 40×100 person whose feet are at (x, y).
    func person(_ x: Double, _ y: Double = 300, confidence: Double = 0.9) -> Detection {
        Detection(box: Box(x: x - 20, y: y - 100, width: 40, height: 100), confidence: confidence)
    }

    func run(_ frames: [[Detection]], geometry: Geometry? = nil, fps: Double = 25,
             configuration: CountingConfiguration = .init()) -> (engine: CountingEngine, events: [CountingEvent]) {
        var engine = CountingEngine(geometry: geometry ?? Geometry(lines: [door]), configuration: configuration)
        var events: [CountingEvent] = []
        for (index, detections) in frames.enumerated() {
            events += engine.step(detections: detections, time: Double(index) / fps)
        }
        return (engine, events)
    }

    func crossings(_ events: [CountingEvent]) -> [LineCrossing] {
        events.compactMap { if case .crossing(let c) = $0 { c } else { nil } }
    }

    /// A walk from x = `from` to x = `to` at `speed` pixels per frame.
    func walk(from: Double, to: Double, speed: Double = 6, y: Double = 300) -> [[Detection]] {
        let steps = Int((abs(to - from) / speed).rounded(.up))
        return (0...steps).map { step in
            [person(from + (to > from ? 1 : -1) * Double(step) * speed, y)]
        }
    }

    @Test func aFlickeringTrackIsNotCountedTwice() {
        // supervision #1540: detections drop out for a few frames next to the line.
        var frames = walk(from: 200, to: 290)
        frames += Array(repeating: [], count: 5)
        frames += walk(from: 320, to: 420)
        let result = run(frames)
        #expect(crossings(result.events).map(\.direction) == [.out])
        #expect(result.engine.lineCounters[0].totalOut == 1)
        #expect(result.engine.lineCounters[0].totalIn == 0)
    }

    @Test func unconfirmedTracksAreNotMergedIntoOne() {
        // supervision #2578: two people cross while still unconfirmed; both must count.
        let frames: [[Detection]] = (0..<12).map { step in
            let x = 270 + Double(step) * 6
            return [person(x, 150), person(x, 380)]
        }
        let result = run(frames, configuration: CountingConfiguration(tracker: TrackerConfiguration(confirmationSeconds: 0.28)))
        let found = crossings(result.events)
        #expect(found.count == 2)
        #expect(Set(found.map(\.trackID)).count == 2)
        #expect(result.engine.lineCounters[0].totalOut == 2)
    }

    @Test func directionComesFromMotionNotFromTheShapeOfTheLine() {
        // ultralytics #25103: a steep diagonal line crossed horizontally, both ways.
        let diagonal = CountingLine(name: "diagonal", a: Point(x: 250, y: 0), b: Point(x: 350, y: 400))
        let geometry = Geometry(lines: [diagonal])
        let rightwards = run(walk(from: 150, to: 450), geometry: geometry)
        #expect(crossings(rightwards.events).map(\.direction) == [.out])
        let leftwards = run(walk(from: 450, to: 150), geometry: geometry)
        #expect(crossings(leftwards.events).map(\.direction) == [.in])
        // The same line drawn the other way round swaps the names, not the counting.
        let reversed = Geometry(lines: [CountingLine(name: "diagonal", a: diagonal.b, b: diagonal.a)])
        #expect(crossings(run(walk(from: 150, to: 450), geometry: reversed).events).map(\.direction) == [.in])
    }

    @Test func eachCrossingAddsExactlyOne() {
        // ultralytics PR #9998: a crossing was added twice to the totals.
        let result = run(walk(from: 200, to: 420) + walk(from: 420, to: 200))
        let found = crossings(result.events)
        #expect(found.map(\.direction) == [.out, .in])
        #expect(found.map(\.totalOut) == [1, 1])
        #expect(found.map(\.totalIn) == [0, 1])
        #expect(result.engine.lineCounters[0].totalIn + result.engine.lineCounters[0].totalOut == 2)
    }

    @Test func linesDoNotCountBeyondTheirDrawnEnds() {
        // A walk across the line's extension, below its lower end (y = 400).
        let result = run(walk(from: 200, to: 420, y: 470))
        #expect(crossings(result.events).isEmpty)
    }

    @Test func stopAndGoAtTheLineDoesNotInflateCounts() {
        // opendatacam #204: someone waits on the line, swaying back and forth for a minute.
        var frames = walk(from: 200, to: 296)
        for step in 0..<(25 * 60) {
            let sway = 6 * (step % 20 < 10 ? Double(step % 10) : Double(10 - step % 10)) / 10 - 3
            frames.append([person(300 + sway)])
        }
        frames += walk(from: 304, to: 420)
        let result = run(frames)
        #expect(crossings(result.events).map(\.direction) == [.out])
    }

    @Test func memoryStaysBoundedOnAnEndlessStream() {
        // ultralytics PR #25729: per-track state was never freed on 24/7 streams.
        var engine = CountingEngine(geometry: Geometry(
            lines: [door],
            zones: [Zone(name: "hall", polygon: [Point(x: 300, y: 0), Point(x: 600, y: 0), Point(x: 600, y: 400), Point(x: 300, y: 400)])]))
        var time = 0.0
        var peak = 0
        for person in 0..<400 {
            let y = 150 + Double(person % 5) * 50
            for step in 0..<40 {
                _ = engine.step(detections: [self.person(180 + Double(step) * 8, y)], time: time)
                time += 0.04
            }
            peak = max(peak, engine.retainedTrackStates)
        }
        for _ in 0..<50 {
            _ = engine.step(detections: [], time: time)
            time += 0.04
        }
        #expect(engine.lineCounters[0].totalOut == 400)
        #expect(peak <= 10)
        #expect(engine.retainedTrackStates == 0)
        #expect(engine.tracker.trackCount == 0)
        #expect(engine.zoneCounters[0].occupancy == 0)
    }

    @Test func aCrossingMadeWhileUnconfirmedIsCountedAtItsOwnTime() {
        // Confirmation at the 12th frame (t = 0.44 s); the feet clear the 10-pixel band at
        // x = 310 around frame 5 or 6 (the filtered box lags the detections a little).
        let configuration = CountingConfiguration(tracker: TrackerConfiguration(confirmationSeconds: 0.44))
        var engine = CountingEngine(geometry: Geometry(lines: [door]), configuration: configuration)
        var reportedAt: [Double] = []
        var found: [LineCrossing] = []
        for (index, detections) in walk(from: 285, to: 360).enumerated() {
            let time = Double(index) / 25
            let new = crossings(engine.step(detections: detections, time: time))
            reportedAt += new.map { _ in time }
            found += new
        }
        #expect(found.count == 1)
        #expect(reportedAt.first.map { abs($0 - 11.0 / 25) < 1e-9 } == true)
        #expect(found.first.map { $0.time >= 5.0 / 25 - 1e-9 && $0.time <= 7.0 / 25 + 1e-9 } == true)
    }

    @Test func occupancyNeverDriftsBelowZeroOrStaysUpAfterPeopleLeave() {
        let hall = Zone(name: "hall", polygon: [Point(x: 0, y: 0), Point(x: 600, y: 0), Point(x: 600, y: 400), Point(x: 0, y: 400)])
        var frames: [[Detection]] = []
        for step in 0..<50 { frames.append([person(100 + Double(step) * 5, 200), person(500 - Double(step) * 5, 350)]) }
        frames += Array(repeating: [], count: 60)
        let result = run(frames, geometry: Geometry(zones: [hall]))
        let levels = result.events.compactMap { if case .occupancy(let o) = $0 { o.occupancy } else { nil } }
        #expect(levels.allSatisfy { $0 >= 0 })
        #expect(levels.max() == 2)
        #expect(levels.last == 0)
        let exits = result.events.compactMap { if case .zoneExited(let v) = $0 { v } else { nil } }
        #expect(exits.count == 2)
        #expect(exits.allSatisfy { ($0.duration ?? 0) > 1.5 })
    }
}
