import ArgumentParser
import CountingCore
import Evaluation
import FootfallApp
import Foundation

struct BenchTracker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracker",
        abstract: "Tracking + counting frames/s on the MOT15 detections, one core.",
        discussion: """
            For each sequence folder (det.txt, seqinfo.ini, and lines from Fixtures/mot15/<SEQ>.json \
            when present) prints the baseline (every IoU between consecutive frames, measured in the \
            same process), the tracker alone, and tracker + counters, in frames/s, with ratios to the baseline.
            """)

    @Option(help: "Folder of MOTChallenge sequences.")
    var dataset = "../shared/datasets/mot15"

    @Option(help: "Folder of per-sequence geometry files (<SEQ>.json).")
    var lines = "Fixtures/mot15"

    @Option(help: "Runs of each measurement; the best is reported.")
    var repeats = 5

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        let root = URL(fileURLWithPath: dataset)
        guard let sequences = try? FileManager.default.contentsOfDirectory(atPath: root.path).sorted(), !sequences.isEmpty else {
            throw ValidationError("--dataset: no sequences in \(dataset)")
        }
        print("sequence            frames  baseline fps   tracker fps  (×base)   tracker+counting fps  (×base)")
        for sequence in sequences {
            let detectionsPath = root.appendingPathComponent(sequence).appendingPathComponent("det.txt").path
            guard FileManager.default.fileExists(atPath: detectionsPath) else { continue }
            let rows = try Eval.rows(detectionsPath, option: "dataset")
            let info = SequenceInfo(besides: detectionsPath)
            let frames = Evaluator.framesOfDetections(rows, frameCount: info?.length)
            let geometryPath = URL(fileURLWithPath: lines).appendingPathComponent("\(sequence).json").path
            let geometry = FileManager.default.fileExists(atPath: geometryPath) ? try GeometryFile.load(path: geometryPath) : Geometry()
            let result = TrackerBenchmark.measure(frames: frames, geometry: geometry, frameRate: info?.frameRate ?? 30,
                                                  repeats: repeats)
            print(sequence.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: " %7d %13.0f %13.0f  %6.2f %21.0f  %6.2f", frames.count,
                         result.baselineFramesPerSecond, result.trackerFramesPerSecond,
                         result.trackerFramesPerSecond / result.baselineFramesPerSecond,
                         result.countingFramesPerSecond, result.countingFramesPerSecond / result.baselineFramesPerSecond))
        }
    }
}
