import CountingCore
import Evaluation
import Testing

/// Leave-one-out: each sequence is reported with the settings chosen on the others only.
struct CrossValidationTests {
    let geometry = Geometry(lines: [CountingLine(name: "middle", a: Point(x: 960, y: 0), b: Point(x: 960, y: 1080))])
    let fps = 25.0

    /// Boxes of one person (50×120, feet at y) walking right at 6 pixels per frame.
    func walk(id: Int, firstFrame: Int, from x: Double, frames: Int, y: Double) -> [MOTRow] {
        (0..<frames).map { step in
            MOTRow(frame: firstFrame + step, id: id,
                   box: Box(x: x + 6 * Double(step) - 25, y: y - 120, width: 50, height: 120), confidence: 1)
        }
    }

    func detections(_ rows: [MOTRow]) -> [MOTRow] {
        rows.map { MOTRow(frame: $0.frame, id: -1, box: $0.box, confidence: 0.9) }
    }

    /// People crossing whom the detector loses for 0.4 s at the line and finds again 70 pixels
    /// lower (partly hidden): only fragment linking counts them.
    func lostAtTheLine(people: Int, name: String) -> CrossValidation.Sequence {
        var truth: [MOTRow] = []
        var seen: [MOTRow] = []
        for person in 0..<people {
            let y = 250 + Double(person % 4) * 180
            let rows = walk(id: person + 1, firstFrame: 1 + person * 125, from: 720, frames: 80, y: y)
            truth += rows
            // Feet at x < 940 seen as they are; 10 frames missed; then seen 70 pixels lower.
            seen += rows.prefix(37)
            seen += rows.dropFirst(47).map { row in
                var moved = row
                moved.box.y += 70
                return moved
            }
        }
        return CrossValidation.Sequence(name: name, detections: detections(seen), groundTruth: truth,
                                        geometry: geometry, frameRate: fps)
    }

    /// People who walk up to the line and leave (through a door beside it), each followed
    /// 0.3 s later by someone else stepping out across the line: nobody crosses, and linking
    /// the two would count a crossing each time. One person crosses in full.
    func decoys(count: Int) -> CrossValidation.Sequence {
        var truth: [MOTRow] = []
        for pair in 0..<count {
            let y = 250 + Double(pair % 4) * 180
            let first = 1 + pair * 125
            truth += walk(id: 2 * pair + 1, firstFrame: first, from: 720, frames: 37, y: y)
            truth += walk(id: 2 * pair + 2, firstFrame: first + 37 + 7, from: 720 + 6 * 44, frames: 40, y: y + 70)
        }
        truth += walk(id: 2 * count + 1, firstFrame: 1 + count * 125, from: 720, frames: 80, y: 400)
        return CrossValidation.Sequence(name: "decoys", detections: detections(truth), groundTruth: truth,
                                        geometry: geometry, frameRate: fps)
    }

    @Test func eachSequenceIsReportedWithSettingsChosenOnTheOthers() {
        var off = CountingConfiguration()
        off.fragmentLinkSeconds = 0
        let on = CountingConfiguration()
        let sequences = [lostAtTheLine(people: 5, name: "one"), lostAtTheLine(people: 5, name: "two"), decoys(count: 20)]
        let folds = CrossValidation(candidates: [off, on]).run(sequences)
        #expect(folds.map(\.sequence) == ["one", "two", "decoys"])
        // Left out, "one" and "two" are each judged on the other plus the decoys, where linking
        // costs 20 false crossings: linking stays off, and they lose their 5 crossings.
        #expect(folds[0].chosen == 0)
        #expect(folds[1].chosen == 0)
        #expect(folds[0].report.countTally?.mistakes == 5)
        // Left out, the decoys are judged on "one" and "two", where linking is right: it is on,
        // and the decoys' report shows what it costs there. Tuning on all three would have
        // chosen "off" everywhere and hidden this.
        #expect(folds[2].chosen == 1)
        #expect(folds[2].trainingCountError == 0)
        #expect(folds[2].report.countTally?.truth == 1)
        #expect(folds[2].report.countTally?.mistakes == 20)
    }

    @Test func theDefaultsComeFirstAndEveryCandidateIsDistinct() {
        let candidates = CrossValidation.standardCandidates()
        #expect(candidates.first == CountingConfiguration())
        #expect(Set(candidates).count == candidates.count)
        #expect(candidates.count > 100)
    }
}
