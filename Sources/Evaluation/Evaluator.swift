import CountingCore

/// `footfall eval`: runs the engine on MOT detections (or takes a tracks file), scores the
/// tracks against ground truth and compares line counts with those of the ground truth.
public struct Evaluator {
    public var configuration: CountingConfiguration
    public var fillGaps: Bool
    public var backfill: Bool
    public var useDetectionBoxes: Bool

    public init(configuration: CountingConfiguration = .init(), fillGaps: Bool = true, backfill: Bool = true,
                useDetectionBoxes: Bool = false) {
        self.configuration = configuration
        self.fillGaps = fillGaps
        self.backfill = backfill
        self.useDetectionBoxes = useDetectionBoxes
    }

    /// Detections grouped by frame, frames 1…`frameCount` (empty frames included).
    public static func framesOfDetections(_ rows: [MOTRow], frameCount: Int? = nil) -> [[Detection]] {
        let count = max(frameCount ?? 0, rows.map(\.frame).max() ?? 0)
        var frames = [[Detection]](repeating: [], count: count)
        for row in rows { frames[row.frame - 1].append(Detection(box: row.box, confidence: row.confidence)) }
        return frames
    }

    /// Runs the engine on `detections`; with `groundTruth`, adds scores and true counts. Also
    /// gives the tracks and every crossing counted, with its frame.
    public func evaluate(detections: [MOTRow], groundTruth: [MOTRow]?, geometry: Geometry, frameRate: Double,
                         frameCount: Int? = nil)
        -> (report: EvaluationReport, tracks: Trajectories, crossings: [(frame: Int, crossing: LineCrossing)])
    {
        let gtFrames = groundTruth?.map(\.frame).max() ?? 0
        let frames = Self.framesOfDetections(detections, frameCount: max(frameCount ?? 0, gtFrames))
        let run = EngineRun.run(detections: frames, geometry: geometry, frameRate: frameRate,
                                configuration: configuration, fillGaps: fillGaps, backfill: backfill, useDetectionBoxes: useDetectionBoxes)
        var report = report(tracks: run.trajectories, lineCounts: run.lineCounts, zoneMeans: run.zoneMeans,
                            frames: frames.count, groundTruth: groundTruth, geometry: geometry)
        report.framesPerSecond = run.engineSeconds > 0 ? Double(frames.count) / run.engineSeconds : nil
        return (report, run.trajectories, run.crossings)
    }

    /// Scores another tracker's output with the same rules; its counts come from its trajectories.
    public func evaluate(tracks rows: [MOTRow], groundTruth: [MOTRow]?, geometry: Geometry,
                         frameCount: Int? = nil) -> EvaluationReport {
        let tracks = Trajectories(rows: rows)
        let frames = max(frameCount ?? 0, tracks.lastFrame, groundTruth?.map(\.frame).max() ?? 0)
        let counter = TrajectoryCounter(lineHysteresis: configuration.lineHysteresis)
        return report(tracks: tracks, lineCounts: counter.lineCounts(tracks, geometry: geometry),
                      zoneMeans: counter.zoneMeans(tracks, geometry: geometry, frameCount: frames),
                      frames: frames, groundTruth: groundTruth, geometry: geometry)
    }

    private func report(tracks: Trajectories, lineCounts: [(countIn: Int, countOut: Int)], zoneMeans: [Double],
                        frames: Int, groundTruth: [MOTRow]?, geometry: Geometry) -> EvaluationReport {
        var truthCounts: [(countIn: Int, countOut: Int)]?
        var truthMeans: [Double]?
        var scores: TrackingScores?
        if let groundTruth {
            let truth = Trajectories(rows: groundTruth, minimumConfidence: 1)
            let counter = TrajectoryCounter(lineHysteresis: configuration.lineHysteresis)
            truthCounts = counter.lineCounts(truth, geometry: geometry)
            truthMeans = counter.zoneMeans(truth, geometry: geometry, frameCount: frames)
            scores = TrackingScorer().score(tracks: tracks, groundTruth: groundTruth)
        }
        return EvaluationReport(
            frames: frames, framesPerSecond: nil, scores: scores,
            lines: geometry.lines.indices.map { i in
                .init(name: geometry.lines[i].name, countIn: lineCounts[i].countIn, countOut: lineCounts[i].countOut,
                      groundTruthIn: truthCounts?[i].countIn, groundTruthOut: truthCounts?[i].countOut)
            },
            zones: geometry.zones.indices.map { i in
                .init(name: geometry.zones[i].name, mean: zoneMeans[i], groundTruthMean: truthMeans?[i])
            })
    }
}
