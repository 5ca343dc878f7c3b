import CountingCore
import Testing
import Vision

/// Detections of overlapping tiles merged into one list per frame.
struct TileMergerTests {
    let tiles = [Box(x: 0, y: 0, width: 200, height: 200), Box(x: 150, y: 0, width: 200, height: 200)]

    @Test func aPersonSeenByTwoTilesCountsOnce() {
        let person = Box(x: 160, y: 50, width: 30, height: 80)
        let merged = TileMerger.merge([[Detection(box: person, confidence: 0.8)],
                                       [Detection(box: person.offsetBy(dx: 1, dy: 0), confidence: 0.9)]],
                                      tiles: tiles, frameWidth: 400, frameHeight: 200)
        #expect(merged == [Detection(box: person.offsetBy(dx: 1, dy: 0), confidence: 0.9)])
    }

    @Test func aPersonCutByATilesEdgeIsTakenWhole() {
        // The first tile ends at x = 200 and sees the left half only, with a higher score.
        let whole = Detection(box: Box(x: 185, y: 50, width: 30, height: 80), confidence: 0.7)
        let cut = Detection(box: Box(x: 185, y: 50, width: 15, height: 80), confidence: 0.95)
        let merged = TileMerger.merge([[cut], [whole]], tiles: tiles, frameWidth: 400, frameHeight: 200)
        #expect(merged == [whole])
    }

    @Test func neighboursInOneTileStaySeparate() {
        let a = Detection(box: Box(x: 20, y: 50, width: 30, height: 80), confidence: 0.9)
        let b = Detection(box: Box(x: 40, y: 55, width: 30, height: 80), confidence: 0.8)
        #expect(TileMerger.merge([[a, b], []], tiles: tiles, frameWidth: 400, frameHeight: 200) == [a, b])
    }

    @Test func aFramesOwnEdgeDoesNotCutAPerson() {
        // Touching x = 0, the frame's edge: whole as far as anyone can see, and kept.
        let atEdge = Detection(box: Box(x: 0, y: 40, width: 20, height: 80), confidence: 0.6)
        #expect(TileMerger.merge([[atEdge], []], tiles: tiles, frameWidth: 400, frameHeight: 200) == [atEdge])
    }
}
