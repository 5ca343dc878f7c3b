import CountingCore
import Evaluation
import Testing

struct TrackingScorerTests {
    func row(_ frame: Int, _ id: Int, _ x: Double, conf: Double = 1) -> MOTRow {
        MOTRow(frame: frame, id: id, box: Box(x: x, y: 0, width: 10, height: 20), confidence: conf)
    }

    @Test func perfectTracksScoreOne() {
        let gt = [row(1, 1, 0), row(2, 1, 2), row(1, 2, 50), row(2, 2, 52)]
        let scores = TrackingScorer().score(tracks: Trajectories(rows: gt), groundTruth: gt)
        #expect(scores.mota == 1 && scores.idf1 == 1 && scores.motp == 0)
        #expect(scores.identitySwitches == 0 && scores.falsePositives == 0 && scores.misses == 0)
    }

    @Test func countsMissesFalsePositivesAndSwitches() {
        let gt = [row(1, 1, 0), row(2, 1, 0), row(3, 1, 0), row(4, 1, 0)]
        // Track 7 covers frames 1–2, track 8 takes over in 3–4 (a switch); frame 4 also has a stray box.
        let tracks = Trajectories(rows: [row(1, 7, 0), row(2, 7, 0), row(3, 8, 0), row(4, 8, 0), row(4, 9, 100)])
        let scores = TrackingScorer().score(tracks: tracks, groundTruth: gt)
        #expect(scores.identitySwitches == 1)
        #expect(scores.falsePositives == 1)
        #expect(scores.misses == 0)
        #expect(abs(scores.mota - (1 - 2.0 / 4)) < 1e-12)
        // Best identity mapping covers 2 of 4 frames: IDF1 = 2·2 / (4 + 5).
        #expect(abs(scores.idf1 - 4.0 / 9) < 1e-12)
    }

    @Test func overlapBelowHalfIsAMissAndAFalsePositive() {
        let gt = [row(1, 1, 0)]
        let tracks = Trajectories(rows: [row(1, 5, 6)])  // IoU 4/16 = 0.25
        let scores = TrackingScorer().score(tracks: tracks, groundTruth: gt)
        #expect(scores.misses == 1 && scores.falsePositives == 1 && scores.matches == 0)
    }

    @Test func ignoredGroundTruthNeitherMatchesNorPenalises() {
        let gt = [row(1, 1, 0), row(1, 2, 50, conf: 0)]
        let tracks = Trajectories(rows: [row(1, 5, 0), row(1, 6, 50)])
        let scores = TrackingScorer().score(tracks: tracks, groundTruth: gt)
        #expect(scores.falsePositives == 0 && scores.misses == 0 && scores.mota == 1)
        #expect(scores.groundTruthBoxes == 1 && scores.trackBoxes == 1)
    }

    @Test func anEarlierPairIsKeptWhenItStillOverlaps() {
        // Frame 2: both tracks overlap gt 1; the one matched in frame 1 keeps it, no switch.
        let gt = [row(1, 1, 0), row(2, 1, 0)]
        let tracks = Trajectories(rows: [row(1, 5, 1), row(2, 5, 3), row(2, 6, 0)])
        let scores = TrackingScorer().score(tracks: tracks, groundTruth: gt)
        #expect(scores.identitySwitches == 0)
        #expect(scores.falsePositives == 1)
    }
}
