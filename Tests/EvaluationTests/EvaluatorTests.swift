import CountingCore
import Evaluation
import Testing

struct EvaluatorTests {
    let geometry = Geometry(lines: [CountingLine(name: "middle", a: Point(x: 960, y: 0), b: Point(x: 960, y: 1080))])

    /// Ground truth and detections from the synthetic crowd: detections are the truth with
    /// jitter and misses, so a good tracker must score high and count exactly.
    func crowd(frames: Int) -> (detections: [MOTRow], truth: [MOTRow], crossings: (Int, Int)) {
        var crowd = SyntheticCrowd(people: 6, frameRate: 25, seed: 7)
        var detections: [MOTRow] = []
        for frame in 1...frames {
            for detection in crowd.nextFrame() {
                detections.append(MOTRow(frame: frame, id: -1, box: detection.box, confidence: detection.confidence))
            }
        }
        return (detections, [], (crowd.crossedRightToLeft, crowd.crossedLeftToRight))
    }

    @Test func countsTheSyntheticCrowdExactly() {
        let data = crowd(frames: 25 * 120)
        let (report, tracks, crossings) = Evaluator().evaluate(detections: data.detections, groundTruth: nil, geometry: geometry,
                                                            frameRate: 25)
        #expect(report.frames == 3000)
        #expect(report.scores == nil)
        // Walkers who started already past the middle never cross it, so the truth is the crowd's own tally.
        #expect(report.lines.first?.countIn == data.crossings.0)
        #expect(report.lines.first?.countOut == data.crossings.1)
        #expect(tracks.boxCount > 0)
        // Every crossing counted is listed once, in frame order, with the line's running totals.
        #expect(crossings.filter { $0.crossing.direction == .in }.count == data.crossings.0)
        #expect(crossings.filter { $0.crossing.direction == .out }.count == data.crossings.1)
        #expect(crossings.map(\.frame) == crossings.map(\.frame).sorted())
        #expect(crossings.last.map { $0.crossing.totalIn + $0.crossing.totalOut } == crossings.count)
        #expect(report.jsonLine().hasPrefix(#"{"frames":3000,"fps":"#))
        #expect(!report.jsonLine().contains("gt_in"))
    }

    @Test func scoringATracksFileUsesTheSameRules() {
        let gt = (1...10).map { MOTRow(frame: $0, id: 1, box: Box(x: 900 + Double($0) * 12, y: 500, width: 40, height: 100), confidence: 1) }
        let report = Evaluator().evaluate(tracks: gt, groundTruth: gt, geometry: geometry)
        #expect(report.scores?.mota == 1)
        #expect(report.lines.first?.countOut == 1)
        #expect(report.lines.first?.groundTruthOut == 1)
        #expect(report.countError == 0)
        let json = report.jsonLine()
        #expect(json.contains(#""mota":1.0"#) && json.contains(#""gt_out":1"#) && !json.contains(#""fps""#))
    }
}
