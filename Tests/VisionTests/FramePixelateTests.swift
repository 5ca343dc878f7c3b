import CountingCore
import Testing
import Vision

struct FramePixelateTests {
    /// A 64×64 frame of a fine checkerboard: any pixelation shows as uniform blocks.
    static func checkerboard() -> Frame {
        var pixels = [UInt8](repeating: 0, count: 64 * 64 * 3)
        for y in 0..<64 {
            for x in 0..<64 where (x + y) % 2 == 0 {
                for c in 0..<3 { pixels[(y * 64 + x) * 3 + c] = 200 }
            }
        }
        return Frame(width: 64, height: 64, pixels: pixels, index: 0, time: 0)
    }

    @Test func aPersonBecomesBlocksOfTheirMeanColourAndTheRestStays() {
        let frame = Self.checkerboard()
        // A 16×32 person at (20, 10): grown by a tenth, blocks of max(8, 32 / 8) = 8 pixels.
        let pixelated = frame.pixelating([Box(x: 20, y: 10, width: 16, height: 32)])
        func pixel(_ f: Frame, _ x: Int, _ y: Int) -> UInt8 { f.pixels[(y * 64 + x) * 3] }
        // Inside the box every pixel of a block has the block's mean: 100 for a checkerboard.
        for y in 12..<40 {
            for x in 20..<36 { #expect(pixel(pixelated, x, y) == 100, "(\(x), \(y))") }
        }
        // Far outside, nothing changed.
        for (x, y) in [(0, 0), (1, 0), (60, 60), (5, 50)] { #expect(pixel(pixelated, x, y) == pixel(frame, x, y)) }
        #expect(frame.pixelating([]).pixels == frame.pixels)
        // A box outside the frame changes nothing and does not fail.
        #expect(frame.pixelating([Box(x: 100, y: 100, width: 10, height: 10)]).pixels == frame.pixels)
    }

    @Test func aBoxFarBeyondTheFrameIsClampedNotATrap() {
        let frame = Self.checkerboard()
        // Once a trap: 1e30 does not fit in an Int.
        let huge = frame.pixelating([Box(x: -1e30, y: -1e30, width: 2e30, height: 2e30)])
        #expect(Set(stride(from: 0, to: huge.pixels.count, by: 3).map { huge.pixels[$0] }) == [100])
        #expect(frame.pixelating([Box(x: 1e30, y: 1e30, width: 1e30, height: 1e30)]).pixels == frame.pixels)
    }
}
