import CountingCore

/// Leave-one-out evaluation: for each sequence, the settings are chosen on all the other
/// sequences and the figures are reported on the one left out, so that no reported figure
/// comes from settings tuned on the same data.
///
/// A candidate's fitness on the training sequences is its pooled line count error
/// (Σ |count − truth| / Σ truth); ties go to the higher mean IDF1, then to the earlier
/// candidate (the defaults come first).
public struct CrossValidation {
    /// A sequence with ground truth and counting lines.
    public struct Sequence: Sendable {
        public var name: String
        public var detections: [MOTRow]
        public var groundTruth: [MOTRow]
        public var geometry: Geometry
        public var frameRate: Double
        public var frameCount: Int?

        public init(name: String, detections: [MOTRow], groundTruth: [MOTRow], geometry: Geometry, frameRate: Double,
                    frameCount: Int? = nil) {
            self.name = name
            self.detections = detections
            self.groundTruth = groundTruth
            self.geometry = geometry
            self.frameRate = frameRate
            self.frameCount = frameCount
        }
    }

    /// The result for one left-out sequence.
    public struct Fold: Sendable {
        public var sequence: String
        /// Index into the candidates of the settings chosen on the other sequences.
        public var chosen: Int
        public var configuration: CountingConfiguration
        /// The chosen settings' pooled count error on the training sequences.
        public var trainingCountError: Double
        /// The left-out sequence's figures with the chosen settings.
        public var report: EvaluationReport
    }

    public var candidates: [CountingConfiguration]

    public init(candidates: [CountingConfiguration]) {
        precondition(!candidates.isEmpty, "cross-validation needs at least one candidate")
        self.candidates = candidates
    }

    /// The settings tuned by `footfall eval --cross-validate`: the defaults first, then every
    /// combination of confirmation time, time a lost track is kept, confidence to start a
    /// track, recovery distance, fragment linking and the size limit of rounds by overlap. (The
    /// direction weight is left out: on these sequences it helped where it was tuned and hurt
    /// where it was not.)
    public static func standardCandidates() -> [CountingConfiguration] {
        var candidates = [CountingConfiguration()]
        let grid = [[0.05, 0.1, 0.2], [0.5, 1.0, 1.5], [0.6, 0.7, 0.8], [0.0, 0.35, 0.7], [0.0, 0.5, 1.0], [0.0, 1.5]]
        var choice = [Int](repeating: 0, count: grid.count)
        while true {
            var c = CountingConfiguration()
            c.tracker.confirmationSeconds = grid[0][choice[0]]
            c.tracker.maximumLostSeconds = grid[1][choice[1]]
            c.tracker.newTrackConfidence = grid[2][choice[2]]
            c.tracker.highConfidence = min(c.tracker.highConfidence, c.tracker.newTrackConfidence)
            c.tracker.recoveryDistance = grid[3][choice[3]]
            c.fragmentLinkSeconds = grid[4][choice[4]]
            c.tracker.maximumSizeChange = grid[5][choice[5]]
            if c != candidates[0] { candidates.append(c) }
            // The next combination, like an odometer.
            var digit = grid.count - 1
            while digit >= 0 {
                choice[digit] += 1
                if choice[digit] < grid[digit].count { break }
                choice[digit] = 0
                digit -= 1
            }
            if digit < 0 { break }
        }
        return candidates
    }

    /// A short description of the settings that `standardCandidates` varies.
    public static func describe(_ c: CountingConfiguration) -> String {
        func n(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
        return "confirm \(n(c.tracker.confirmationSeconds)) s, lost \(n(c.tracker.maximumLostSeconds)) s, "
            + "start ≥ \(n(c.tracker.newTrackConfidence)), recovery \(n(c.tracker.recoveryDistance)), "
            + "link \(n(c.fragmentLinkSeconds)) s, "
            + (c.tracker.maximumSizeChange > 1 ? "size ≤ \(n(c.tracker.maximumSizeChange)) ×" : "any size")
    }

    /// Runs every candidate on every sequence, then one fold per sequence.
    public func run(_ sequences: [Sequence]) -> [Fold] {
        precondition(sequences.count >= 2, "leave-one-out needs at least two sequences")
        let reports: [[EvaluationReport]] = sequences.map { sequence in
            candidates.map { configuration in
                Evaluator(configuration: configuration).evaluate(
                    detections: sequence.detections, groundTruth: sequence.groundTruth, geometry: sequence.geometry,
                    frameRate: sequence.frameRate, frameCount: sequence.frameCount).report
            }
        }
        return sequences.indices.map { left in
            var best: (index: Int, error: Double, idf1: Double)?
            for candidate in candidates.indices {
                var mistakes = 0, truth = 0, idf1 = 0.0
                for index in sequences.indices where index != left {
                    let report = reports[index][candidate]
                    if let tally = report.countTally {
                        mistakes += tally.mistakes
                        truth += tally.truth
                    }
                    idf1 += report.scores?.idf1 ?? 0
                }
                let error = truth > 0 ? Double(mistakes) / Double(truth) : Double(mistakes)
                if let current = best, error > current.error || (error == current.error && idf1 <= current.idf1) { continue }
                best = (candidate, error, idf1)
            }
            let chosen = best!
            return Fold(sequence: sequences[left].name, chosen: chosen.index, configuration: candidates[chosen.index],
                        trainingCountError: chosen.error, report: reports[left][chosen.index])
        }
    }
}
