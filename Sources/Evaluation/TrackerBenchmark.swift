import CountingCore
import FootfallSupport

/// Timing of the tracker and counters on fixed detections, with a baseline measured in the
/// same process: computing every IoU between consecutive frames' detections, the least work
/// any IoU tracker must do.
public enum TrackerBenchmark {
    public struct Result: Sendable {
        public var baselineFramesPerSecond: Double
        public var trackerFramesPerSecond: Double
        public var countingFramesPerSecond: Double
    }

    /// Best of `repeats` runs of each measurement.
    public static func measure(frames: [[Detection]], geometry: Geometry, frameRate: Double,
                               configuration: CountingConfiguration = .init(), repeats: Int = 5) -> Result {
        let clock = ContinuousClock()
        func best(_ body: () -> Void) -> Double {
            var fastest = Double.infinity
            for _ in 0..<max(1, repeats) {
                let elapsed = clock.measure(body)
                let seconds = elapsed.inSeconds
                fastest = min(fastest, seconds)
            }
            return fastest > 0 ? Double(frames.count) / fastest : .infinity
        }
        var sink = 0.0
        let baseline = best {
            var previous: [Detection] = []
            for detections in frames {
                for a in detections { for b in previous { sink += a.box.iou(b.box) } }
                previous = detections
            }
        }
        let tracker = best {
            var tracker = Tracker(configuration: configuration.tracker)
            for (index, detections) in frames.enumerated() {
                sink += Double(tracker.step(detections, time: Double(index) / frameRate).observed.count)
            }
        }
        let counting = best {
            var engine = CountingEngine(geometry: geometry, configuration: configuration)
            for (index, detections) in frames.enumerated() {
                sink += Double(engine.step(detections: detections, time: Double(index) / frameRate).count)
            }
        }
        precondition(sink.isFinite)
        return Result(baselineFramesPerSecond: baseline, trackerFramesPerSecond: tracker, countingFramesPerSecond: counting)
    }
}
