import CountingCore
import FootfallSupport

/// Runs the counting engine over per-frame detections and keeps what it reports.
public struct EngineRun {
    /// The tracks, as they are known once the run ends: with `backfill`, boxes of a track from
    /// before its confirmation are kept (the engine counts those frames too); with `fillGaps`,
    /// frames in which a track was briefly lost are filled in by interpolation. Two tracks whose
    /// fragments the engine joined to count a crossing are reported as one when the first ended
    /// before the second began.
    public var trajectories = Trajectories()
    public var lineCounts: [(countIn: Int, countOut: Int)] = []
    /// Every crossing the engine counted, with its frame (1-based), in order.
    public var crossings: [(frame: Int, crossing: LineCrossing)] = []
    /// Mean confirmed occupancy per zone over all frames.
    public var zoneMeans: [Double] = []
    public var frames = 0
    /// Seconds spent in the engine alone.
    public var engineSeconds = 0.0

    public init() {}

    /// - Parameters:
    ///   - detections: per frame, from frame 1 to `frameCount`.
    ///   - useDetectionBoxes: report the matched detection instead of the filtered box.
    public static func run(
        detections: [[Detection]], geometry: Geometry, frameRate: Double, configuration: CountingConfiguration,
        fillGaps: Bool = true, backfill: Bool = true, useDetectionBoxes: Bool = false
    ) -> EngineRun {
        var engine = CountingEngine(geometry: geometry, configuration: configuration)
        var observations: [Int: [(frame: Int, box: Box)]] = [:]
        var confirmed = Set<Int>()
        var links: [(ended: Int, started: Int)] = []
        var occupancySums = [Double](repeating: 0, count: geometry.zones.count)
        var result = EngineRun()
        var elapsed = Duration.zero
        let clock = ContinuousClock()
        for (index, frameDetections) in detections.enumerated() {
            let frame = index + 1
            let started = clock.now
            let events = engine.step(detections: frameDetections, time: Double(index) / frameRate)
            elapsed += clock.now - started
            for case .crossing(let crossing) in events {
                if let ended = crossing.linkedTrackID { links.append((ended, crossing.trackID)) }
                result.crossings.append((frame, crossing))
            }
            for track in engine.observed where backfill || track.isConfirmed {
                observations[track.id, default: []].append((frame, useDetectionBoxes ? track.detection : track.box))
                if track.isConfirmed { confirmed.insert(track.id) }
            }
            for (zone, counter) in engine.zoneCounters.enumerated() { occupancySums[zone] += Double(counter.occupancy) }
        }
        var mergedInto: [Int: Int] = [:]
        for link in links {
            var root = link.ended
            while let next = mergedInto[root] { root = next }
            guard let ended = observations[root], let started = observations[link.started],
                  let end = ended.last, let start = started.first, end.frame < start.frame else { continue }
            observations[root] = ended + started
            observations[link.started] = nil
            confirmed.remove(link.started)
            mergedInto[link.started] = root
        }
        for id in confirmed {
            let points = observations[id]!
            for (offset, point) in points.enumerated() {
                result.trajectories.add(frame: point.frame, id: id, box: point.box)
                guard fillGaps, offset + 1 < points.count else { continue }
                let next = points[offset + 1]
                let gap = next.frame - point.frame
                guard gap > 1 else { continue }
                for step in 1..<gap {
                    let t = Double(step) / Double(gap)
                    result.trajectories.add(frame: point.frame + step, id: id, box: Box(
                        x: point.box.x + (next.box.x - point.box.x) * t, y: point.box.y + (next.box.y - point.box.y) * t,
                        width: point.box.width + (next.box.width - point.box.width) * t,
                        height: point.box.height + (next.box.height - point.box.height) * t))
                }
            }
        }
        result.lineCounts = engine.lineCounters.map { ($0.totalIn, $0.totalOut) }
        result.frames = detections.count
        result.zoneMeans = occupancySums.map { detections.isEmpty ? 0 : $0 / Double(detections.count) }
        result.engineSeconds = elapsed.inSeconds
        return result
    }
}
