import ArgumentParser
import CountingCore
import Evaluation
import Foundation
import FootfallApp

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score Footfall's tracker and counters on MOTChallenge detections.",
        discussion: """
            Runs the tracker and counters on DETECTIONS (MOTChallenge text: frame,id,left,top,width,\
            height,conf,…) and, with --ground-truth, scores the tracks with CLEAR-MOT (MOTA, MOTP as \
            mean 1−IoU, ID switches, false positives, misses; IoU ≥ 0.5; ground-truth rows with conf 0 \
            are ignored) and IDF1, and compares each line's counts with the counts of the ground-truth \
            trajectories under the same line rule. With --tracks instead of --detections it scores \
            another tracker's output the same way. fps is tracking plus counting only, without parsing.
            """)

    @Option(help: "MOT detections to track (det.txt).")
    var detections: String?

    @Option(help: "Another tracker's MOT output to score instead of running Footfall's tracker.")
    var tracks: String?

    @Option(help: "MOT ground truth (gt.txt).")
    var groundTruth: String?

    @Option(help: "Geometry file with the lines and zones to count.")
    var lines: String?

    @Option(help: "Frame rate of the sequence. [default: frameRate of seqinfo.ini beside the file, else 30]")
    var fps: Double?

    @Option(help: "Write Footfall's tracks in MOT format to this file.")
    var writeTracks: String?

    @Flag(help: "Report tracks without filling the frames in which they were briefly lost.")
    var noGapFill = false

    @Flag(help: "Report tracks only from the frame they were confirmed, not from their first detection.")
    var noBackfill = false

    @Option(help: "Seconds an unconfirmed track survives without a match. [default: 0]")
    var tentativeLostSeconds: Double?

    @Option(help: "Report the filtered box or the matched detection's box (filtered|detection).")
    var boxes = "filtered"

    @Option(help: "Seconds a track must be seen before it is confirmed. [default: 0.2]")
    var confirmationSeconds: Double?

    @Option(help: "Seconds a lost track is kept. [default: 1]")
    var maxLostSeconds: Double?

    @Option(help: "First-round assignment cost limit (1 − IoU·score). [default: 0.7]")
    var matchLimit: Double?

    @Option(help: "Confidence needed to start a track. [default: 0.7]")
    var newTrackConfidence: Double?

    @Option(help: "Largest centre distance, in box heights, to find a lost track again (0: off). [default: 0.35]")
    var recoveryDistance: Double?

    @Option(help: "Fastest a person moves, in box heights per second, to extend a track whose box no longer overlaps (0: off). [default: 2]")
    var maximumSpeed: Double?

    @Option(help: "Seconds between a track ending at a line and another starting across it to count one crossing (0: off). [default: 1]")
    var fragmentLinkSeconds: Double?

    @Option(help: "Cost added, up to this much, when a detection turns back from a track's direction (0: off). [default: 0]")
    var directionWeight: Double?

    @Option(help: "Confidence of detections in the first round. [default: 0.6]")
    var highConfidence: Double?

    @OptionGroup var doubleCount: DoubleCountOptions

    @Option(parsing: .upToNextOption,
            help: "Leave-one-out over these MOTChallenge sequence folders (det.txt, gt.txt, seqinfo.ini): each is reported with the settings chosen on the others.")
    var crossValidate: [String] = []

    @Option(help: "Folder of geometry files named after the sequences, for --cross-validate.")
    var linesDirectory = "Fixtures/mot15"

    @Flag(help: "Print exactly one JSON object on stdout.")
    var json = false

    @Flag(help: "Also list every crossing counted, with its frame and track (on stderr; with --detections).")
    var listCrossings = false

    func validate() throws {
        guard ["filtered", "detection"].contains(boxes) else {
            throw ValidationError("--boxes: use filtered or detection")
        }
        if !crossValidate.isEmpty {
            guard detections == nil, tracks == nil, groundTruth == nil, lines == nil else {
                throw ValidationError("--cross-validate takes its detections, ground truth and lines from the sequence folders")
            }
            guard crossValidate.count >= 2 else { throw ValidationError("--cross-validate needs at least two sequences") }
            return
        }
        guard (detections == nil) != (tracks == nil) else {
            throw ValidationError("give either --detections or --tracks")
        }
        if let fps, !(fps > 0 && fps < 1000) { throw ValidationError("--fps must be between 0 and 1000") }
    }

    func run() throws {
        if !crossValidate.isEmpty { return try runCrossValidation() }
        let geometry = try lines.map { try GeometryFile.load(path: $0) } ?? Geometry()
        let truth = try groundTruth.map { try Self.rows($0, option: "ground-truth") }
        let info = SequenceInfo(besides: detections ?? tracks ?? "")
        var counting = CountingConfiguration()
        if let confirmationSeconds { counting.tracker.confirmationSeconds = confirmationSeconds }
        if let maxLostSeconds { counting.tracker.maximumLostSeconds = maxLostSeconds }
        if let matchLimit { counting.tracker.matchLimit = matchLimit }
        if let newTrackConfidence { counting.tracker.newTrackConfidence = newTrackConfidence }
        if let highConfidence { counting.tracker.highConfidence = highConfidence }
        if let recoveryDistance { counting.tracker.recoveryDistance = recoveryDistance }
        if let maximumSpeed { counting.tracker.maximumSpeed = maximumSpeed }
        if let directionWeight { counting.tracker.directionWeight = directionWeight }
        if let fragmentLinkSeconds { counting.fragmentLinkSeconds = fragmentLinkSeconds }
        if let tentativeLostSeconds { counting.tracker.maximumTentativeLostSeconds = tentativeLostSeconds }
        doubleCount.apply(to: &counting)
        let evaluator = Evaluator(configuration: counting, fillGaps: !noGapFill, backfill: !noBackfill, useDetectionBoxes: boxes == "detection")
        let report: EvaluationReport
        if let detections {
            let rows = try Self.rows(detections, option: "detections")
            let result = evaluator.evaluate(detections: rows, groundTruth: truth, geometry: geometry,
                                            frameRate: fps ?? info?.frameRate ?? 30, frameCount: info?.length)
            report = result.report
            if let writeTracks {
                try Data(MOTFile.format(result.tracks).utf8).write(to: URL(fileURLWithPath: writeTracks))
            }
            if listCrossings {
                for (frame, crossing) in result.crossings {
                    FileHandle.standardError.write(Data((crossing.listed(frame: frame) + "\n").utf8))
                }
            }
        } else {
            report = evaluator.evaluate(tracks: try Self.rows(tracks!, option: "tracks"), groundTruth: truth,
                                        geometry: geometry, frameCount: info?.length)
        }
        if json {
            print(report.jsonLine())
        } else {
            print(EvalTable.render(report))
        }
    }

    static func rows(_ path: String, option: String) throws -> [MOTRow] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("--\(option): cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try MOTFile.parse(text)
        } catch {
            throw ValidationError("--\(option): \(path): \(error)")
        }
    }
}

/// `seqinfo.ini` of a MOTChallenge sequence, looked for beside a file and one folder up.
struct SequenceInfo {
    var frameRate: Double?
    var length: Int?

    init?(besides path: String) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let candidates = [folder.appendingPathComponent("seqinfo.ini"),
                          folder.deletingLastPathComponent().appendingPathComponent("seqinfo.ini")]
        guard let text = candidates.lazy.compactMap({ try? String(contentsOf: $0, encoding: .utf8) }).first else { return nil }
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "frameRate" { frameRate = Double(parts[1]) }
            if parts[0] == "seqLength" { length = Int(parts[1]) }
        }
    }
}

/// The human-readable form of an evaluation report.
enum EvalTable {
    static func render(_ report: EvaluationReport) -> String {
        var lines = ["frames: \(report.frames)"]
        if let fps = report.framesPerSecond { lines.append(String(format: "tracking + counting: %.0f frames/s", fps)) }
        if let s = report.scores {
            lines.append(String(format: "MOTA %.1f  IDF1 %.1f  MOTP %.3f  IDSW %d  FP %d  FN %d",
                                s.mota * 100, s.idf1 * 100, s.motp, s.identitySwitches, s.falsePositives, s.misses))
        }
        for line in report.lines {
            var text = "line \(line.name): in \(line.countIn), out \(line.countOut)"
            if let gtIn = line.groundTruthIn, let gtOut = line.groundTruthOut { text += " (truth: in \(gtIn), out \(gtOut))" }
            lines.append(text)
        }
        for zone in report.zones {
            var text = String(format: "zone %@: mean %.2f", zone.name, zone.mean)
            if let gt = zone.groundTruthMean { text += String(format: " (truth: %.2f)", gt) }
            lines.append(text)
        }
        if let error = report.countError { lines.append(String(format: "line count error: %.1f %%", error * 100)) }
        return lines.joined(separator: "\n")
    }
}
