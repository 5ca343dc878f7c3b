import ArgumentParser
import CountingCore
import Evaluation
import Foundation
import FootfallApp

extension Eval {
    /// `footfall eval --cross-validate DIR…`: leave-one-out over sequence folders.
    func runCrossValidation() throws {
        var sequences: [CrossValidation.Sequence] = []
        for folder in crossValidate {
            let name = URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
            let detections = folder + "/det.txt"
            let linesFile = linesDirectory + "/" + name + ".json"
            guard FileManager.default.fileExists(atPath: linesFile) else {
                throw ValidationError("--cross-validate: no geometry for \(name): \(linesFile) does not exist (see --lines-directory)")
            }
            let info = SequenceInfo(besides: detections)
            sequences.append(CrossValidation.Sequence(
                name: name, detections: try Self.rows(detections, option: "cross-validate"),
                groundTruth: try Self.rows(folder + "/gt.txt", option: "cross-validate"),
                geometry: try GeometryFile.load(path: linesFile), frameRate: fps ?? info?.frameRate ?? 30,
                frameCount: info?.length))
        }
        let folds = CrossValidation(candidates: CrossValidation.standardCandidates()).run(sequences)
        var mistakes = 0, truth = 0
        for fold in folds {
            let tally = fold.report.countTally ?? (0, 0)
            mistakes += tally.mistakes
            truth += tally.truth
        }
        if json {
            let entries = folds.map { fold -> String in
                let tally = fold.report.countTally ?? (0, 0)
                let s = fold.report.scores
                let name = (try? JSONEncoder().encode(fold.sequence)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
                return "{\"sequence\":\(name),\"settings\":\"\(CrossValidation.describe(fold.configuration))\","
                    + "\"training_count_error\":\(fold.trainingCountError),\"count_mistakes\":\(tally.mistakes),"
                    + "\"count_truth\":\(tally.truth),\"mota\":\(s?.mota ?? 0),\"idf1\":\(s?.idf1 ?? 0),"
                    + "\"idsw\":\(s?.identitySwitches ?? 0),\"fp\":\(s?.falsePositives ?? 0),\"fn\":\(s?.misses ?? 0),"
                    + "\"fps\":\(fold.report.framesPerSecond ?? 0)}"
            }
            print("{\"folds\":[\(entries.joined(separator: ","))],\"count_mistakes\":\(mistakes),\"count_truth\":\(truth)}")
            return
        }
        print("| left out | settings chosen on the others | training count error | MOTA | IDF1 | ID sw. | count error |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for fold in folds {
            let tally = fold.report.countTally ?? (0, 0)
            let s = fold.report.scores
            print(String(format: "| %@ | %@ | %.1f %% | %.1f | %.1f | %d | %d/%d |", fold.sequence,
                         CrossValidation.describe(fold.configuration), fold.trainingCountError * 100,
                         (s?.mota ?? 0) * 100, (s?.idf1 ?? 0) * 100, s?.identitySwitches ?? 0, tally.mistakes, tally.truth))
        }
        print(String(format: "left-out count error, all sequences: %d/%d = %.1f %%", mistakes, truth,
                     truth > 0 ? 100 * Double(mistakes) / Double(truth) : 0))
    }
}
