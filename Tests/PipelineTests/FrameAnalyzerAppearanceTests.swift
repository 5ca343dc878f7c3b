import CountingCore
import Testing
import Vision
@testable import Pipeline

/// Which detections get a colour signature: those near a line or zone that nobody covers.
struct FrameAnalyzerAppearanceTests {
    let frame = Frame(width: 640, height: 480, pixels: [UInt8](repeating: 128, count: 640 * 480 * 3), index: 0, time: 0)
    let geometry = Geometry(
        lines: [CountingLine(name: "door", a: Point(x: 100, y: 150), b: Point(x: 100, y: 250))],
        zones: [Zone(name: "till", polygon: [Point(x: 500, y: 380), Point(x: 600, y: 380), Point(x: 600, y: 460)])])

    /// A 40×100 person whose feet are at (x, y).
    func person(_ x: Double, _ y: Double) -> Detection {
        Detection(box: Box(x: x - 20, y: y - 100, width: 40, height: 100), confidence: 0.9)
    }

    @Test func onlyPeopleNearALineOrZoneGetASignature() {
        // Reach: two box heights, 200 pixels. 150 pixels from the door; 230 from it; 130 above
        // the zone's box; 180 past the door's end; 220 past it, on the line drawn longer;
        // 240 above the zone.
        let feet: [(Double, Double)] = [(250, 200), (330, 150), (560, 250), (100, 430), (100, 470), (560, 140)]
        let signed = feet.map { x, y in
            FrameAnalyzer.addingAppearance(to: [person(x, y)], frame: frame, geometry: geometry)[0].appearance != nil
        }
        #expect(signed == [true, false, true, true, false, false])
    }

    @Test func aPersonHalfHiddenBySomeoneElseGetsNoSignature() {
        let front = person(120, 200)
        let behind = Detection(box: front.box.offsetBy(dx: 15, dy: -10), confidence: 0.8)
        let apart = person(60, 200)
        let signed = FrameAnalyzer.addingAppearance(to: [front, behind, apart], frame: frame, geometry: geometry)
        #expect(signed.map { $0.appearance != nil } == [false, false, true])
    }

    @Test func countingWithoutAppearanceMakesNoSignatures() throws {
        let counting = CountingConfiguration(usesAppearance: false)
        var analyzer = FrameAnalyzer(detector: FixedDetector(detections: [person(120, 200)]), geometry: geometry,
                                     counting: counting)
        _ = try analyzer.analyze(frame)
        #expect(analyzer.engine.tracks.first?.appearance == nil)
        var withAppearance = FrameAnalyzer(detector: FixedDetector(detections: [person(120, 200)]), geometry: geometry)
        _ = try withAppearance.analyze(frame)
        #expect(withAppearance.engine.tracks.first?.appearance != nil)
    }

    /// Finds the same people in every frame.
    final class FixedDetector: PersonDetector {
        let name = "fixed"
        let detections: [Detection]
        init(detections: [Detection]) { self.detections = detections }
        func detect(_ frame: Frame) throws(VisionError) -> [Detection] { detections }
    }
}
