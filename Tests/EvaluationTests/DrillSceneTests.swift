import CountingCore
import Evaluation
import Testing

/// The drill's scenes are only a truth if the counting engine, undisturbed, counts exactly it.
struct DrillSceneTests {
    @Test(arguments: [1, 2, 3, 40, 300] as [UInt64])
    func anUndisturbedEngineCountsExactlyTheTruth(seed: UInt64) {
        let scene = DrillScene(seed: seed, duration: 120)
        #expect(scene.crossingsIn + scene.crossingsOut > 10)
        var engine = CountingEngine(geometry: Geometry(lines: [DrillScene.line]))
        var counted = (in: 0, out: 0)
        for frame in 0..<(120 * 5) {
            for event in engine.step(detections: scene.detections(at: Double(frame) / 5), time: Double(frame) / 5) {
                guard case .crossing(let crossing) = event else { continue }
                if crossing.direction == .in { counted.in += 1 } else { counted.out += 1 }
            }
        }
        #expect(counted.in == scene.crossingsIn)
        #expect(counted.out == scene.crossingsOut)
    }

    @Test func aSeedAlwaysGivesTheSameSceneAndSeedsDiffer() {
        let first = DrillScene(seed: 7, duration: 60)
        let again = DrillScene(seed: 7, duration: 60)
        let other = DrillScene(seed: 8, duration: 60)
        let times = stride(from: 0.0, to: 60, by: 0.2)
        #expect(times.map { first.detections(at: $0) } == times.map { again.detections(at: $0) })
        #expect(times.map { first.detections(at: $0) } != times.map { other.detections(at: $0) })
        // Nobody is in view at the end: every crossing of the truth has happened.
        #expect(first.detections(at: 59.9).isEmpty)
    }
}
