import CountingCore
import Testing
import Vision

struct MotionGatedDetectorTests {
    /// Counts the frames it is asked about and finds one fixed person.
    final class CountingDetector: PersonDetector {
        let name = "counting"
        var calls = 0
        func detect(_ frame: Frame) throws(VisionError) -> [Detection] {
            calls += 1
            return [Detection(box: Box(x: 1, y: 1, width: 2, height: 4))]
        }
    }

    func frame(_ index: Int, squareAt x: Int?) -> Frame {
        var pixels = [UInt8](repeating: 200, count: 160 * 120 * 3)
        if let x {
            for row in 40..<100 { for column in x..<(x + 30) { for c in 0..<3 { pixels[(row * 160 + column) * 3 + c] = 20 } } }
        }
        return Frame(width: 160, height: 120, pixels: pixels, index: index, time: Double(index) / 10)
    }

    @Test func aStillSceneNeverReachesTheCostlyDetector() throws {
        let inner = CountingDetector()
        let gated = try MotionGatedDetector(inner: inner, motion: MotionDetectorConfiguration(history: 50, minimumArea: 100))
        for index in 0..<20 { _ = try gated.detect(frame(index, squareAt: nil)) }
        #expect(inner.calls == 0)
        #expect(gated.skippedFrames == 20)
        // Something walks in: the inner detector runs and its detections come through.
        var found = 0
        for index in 20..<30 { found += try gated.detect(frame(index, squareAt: 10 + (index - 20) * 10)).count }
        #expect(inner.calls > 0)
        #expect(found == inner.calls)
    }
}
