import Testing
import Vision

struct HOGDetectorTests {
    func grey(_ width: Int, _ height: Int) -> Frame {
        Frame(width: width, height: height, pixels: [UInt8](repeating: 128, count: width * height * 3), index: 0, time: 0)
    }

    @Test func aFrameSmallerThanTheWindowHasNoOneInItAndIsNoError() throws {
        // Once: a failed assertion at 32 × 24, a corrupted heap at 16 × 16 (upscaled to 24 × 24).
        for upscale in [1.0, 1.5] {
            let detector = try HOGDetector(upscale: upscale)
            for (width, height) in [(16, 16), (32, 24), (40, 80), (63, 84)] {
                #expect(try detector.detect(grey(width, height)).isEmpty, "\(width)×\(height) at ×\(upscale)")
            }
            // The window's own size and more are looked at; a flat grey frame has no one in it.
            #expect(try detector.detect(grey(64, 128)).isEmpty)
            #expect(try detector.detect(grey(320, 240)).isEmpty)
        }
    }
}
