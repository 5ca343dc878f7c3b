import CountingCore
import FootfallTestSupport
import Testing

/// The tracker's settings are times, so the same people are counted the same at any frame rate.
struct TrackerConfigurationTests {
    /// Someone walking across a 1920×1080 view, defined in time: where they are at any moment
    /// does not depend on how often a camera looks.
    struct Walker {
        var start: Double
        var y: Double
        /// Pixels per second, signed (positive: left to right).
        var speed: Double
        /// Seconds during which the detector does not see them.
        var hidden: ClosedRange<Double>
        /// Seen only in this time window (someone glimpsed between two pillars), if set.
        var visible: ClosedRange<Double>?

        func x(at time: Double) -> Double {
            (speed > 0 ? -60 : 1980) + speed * (time - start)
        }
    }

    static let middle = 960.0
    let line = CountingLine(name: "middle", a: Point(x: 960, y: 0), b: Point(x: 960, y: 1080))

    /// 60 walkers over 120 s, in six lanes 160 pixels apart so that no two boxes overlap.
    /// Some are hidden for 0.7 s while they cross; some are seen for only 0.6 s around it
    /// (three frames at 5 frames/s: a count of frames to confirm would lose them there).
    func crowd() -> [Walker] {
        var random = SeededRandom(seed: 11)
        var walkers: [Walker] = []
        for index in 0..<60 {
            let lane = index % 6
            let speed = random.uniform(150, 220) * (index % 2 == 0 ? 1 : -1)
            let start = Double(index / 6) * 12 + Double(lane) * 1.5
            var walker = Walker(start: start, y: 200 + Double(lane) * 160, speed: speed, hidden: -2 ... -1)
            let crossing = start + (Self.middle - walker.x(at: start)) / speed
            switch index % 3 {
            case 0: walker.hidden = crossing - 0.35 ... crossing + 0.35
            case 1: walker.visible = crossing - 0.3 ... crossing + 0.3
            default: break
            }
            walkers.append(walker)
        }
        return walkers
    }

    /// Counts the crowd as a camera at `fps` sees it; a detection is missed now and then.
    func count(at fps: Double, configuration: TrackerConfiguration = .init()) -> (in: Int, out: Int) {
        var engine = CountingEngine(geometry: Geometry(lines: [line]), configuration: CountingConfiguration(
            tracker: configuration, lineHysteresis: 0.05, fragmentLinkSeconds: 0))
        var random = SeededRandom(seed: 5)
        let walkers = crowd()
        for frame in 0..<Int(130 * fps) {
            let time = Double(frame) / fps
            var detections: [Detection] = []
            for walker in walkers where time >= walker.start && !walker.hidden.contains(time) {
                if let visible = walker.visible, !visible.contains(time) { continue }
                let x = walker.x(at: time)
                guard x > -60, x < 1980 else { continue }
                // Glimpses are seen in every frame of their window; the others are missed 1 time in 20.
                if walker.visible == nil, random.uniform(0, 1) < 0.05 { continue }
                detections.append(Detection(box: Box(x: x - 25, y: walker.y - 120, width: 50, height: 120), confidence: 0.85))
            }
            _ = engine.step(detections: detections, time: time)
        }
        return (engine.lineCounters[0].totalIn, engine.lineCounters[0].totalOut)
    }

    @Test func theSameCrowdIsCountedTheSameAtFiveTenAndThirtyFramesPerSecond() {
        // Line side +1 is left of a line drawn downwards, so walking right is "out".
        let walkers = crowd()
        let truthOut = walkers.filter { $0.speed > 0 }.count
        let truthIn = walkers.count - truthOut
        for fps in [5.0, 10.0, 30.0] {
            let counted = count(at: fps)
            #expect(counted.in == truthIn, "at \(fps) frames/s")
            #expect(counted.out == truthOut, "at \(fps) frames/s")
        }
    }

    @Test func confirmationIsATimeNotANumberOfFrames() {
        // Seen in three frames over 0.4 s at 5 frames/s, or in thirteen over 0.4 s at 30:
        // confirmed at both rates once 0.3 s have passed, and not before.
        for fps in [5.0, 30.0] {
            var tracker = Tracker(configuration: TrackerConfiguration(confirmationSeconds: 0.3))
            var confirmedAt: Double?
            for frame in 0...Int(0.4 * fps) {
                let time = Double(frame) / fps
                let box = Box(x: 100 + 100 * time, y: 100, width: 50, height: 120)
                let update = tracker.step([Detection(box: box, confidence: 0.9)], time: time)
                if confirmedAt == nil, update.observed.first?.isConfirmed == true { confirmedAt = time }
            }
            #expect(confirmedAt.map { $0 >= 0.3 - 1e-9 && $0 < 0.3 + 1 / fps } == true, "at \(fps) frames/s")
        }
    }
}
