import CountingCore
import Testing
@testable import Vision

/// Colour signatures from frames: painted people on a grey background.
struct FrameAppearanceTests {
    /// BGR colours.
    static let red: (UInt8, UInt8, UInt8) = (20, 20, 200)
    static let blue: (UInt8, UInt8, UInt8) = (200, 20, 20)
    static let green: (UInt8, UInt8, UInt8) = (20, 180, 20)

    /// A 320×240 grey frame with people painted in it: box, shirt colour, trousers colour.
    func frame(_ people: [(Box, (UInt8, UInt8, UInt8), (UInt8, UInt8, UInt8))]) -> Frame {
        let width = 320, height = 240
        var pixels = [UInt8](repeating: 128, count: width * height * 3)
        for (box, shirt, trousers) in people {
            for y in Int(box.y)..<Int(box.y + box.height) {
                let colour = Double(y) < box.y + box.height / 2 ? shirt : trousers
                for x in Int(box.x)..<Int(box.x + box.width) {
                    let i = (y * width + x) * 3
                    (pixels[i], pixels[i + 1], pixels[i + 2]) = colour
                }
            }
        }
        return Frame(width: width, height: height, pixels: pixels, index: 0, time: 0)
    }

    @Test func aRedShirtOverBlueTrousersFillsOneHueBinInEachHalf() throws {
        let box = Box(x: 40, y: 40, width: 40, height: 100)
        let signature = try #require(frame([(box, Self.red, Self.blue)]).appearance(of: box))
        // Red is hue 0; blue is two thirds round the circle, bin 8 of 12.
        #expect(signature.bins[0] == 1)
        #expect(signature.bins[Appearance.binsPerHalf + 8] == 1)
    }

    @Test func thePersonIsRecognisedElsewhereAndOthersAreNot() throws {
        let here = Box(x: 40, y: 40, width: 40, height: 100)
        let there = Box(x: 200, y: 100, width: 44, height: 110)
        let scene = frame([(here, Self.red, Self.blue), (there, Self.red, Self.blue)])
        let first = try #require(scene.appearance(of: here))
        #expect(try first.similarity(to: #require(scene.appearance(of: there))) > 0.99)
        let other = frame([(there, Self.green, Self.blue)])
        // Same trousers, another shirt.
        #expect(try abs(first.similarity(to: #require(other.appearance(of: there))) - 0.5) < 0.01)
    }

    @Test func greyPixelsGoToBrightnessBins() {
        #expect(Frame.appearanceBin(blue: 128, green: 128, red: 128) == Appearance.hueBins + 2)
        #expect(Frame.appearanceBin(blue: 10, green: 10, red: 10) == Appearance.hueBins)
        #expect(Frame.appearanceBin(blue: 255, green: 255, red: 250) == Appearance.hueBins + 3)
        // Reds either side of hue 0 share a bin; a saturated yellow is two bins on, and an
        // orange halfway.
        #expect(Frame.appearanceBin(blue: 0, green: 40, red: 200) == 0)
        #expect(Frame.appearanceBin(blue: 40, green: 0, red: 200) == 0)
        #expect(Frame.appearanceBin(blue: 0, green: 200, red: 200) == 2)
        #expect(Frame.appearanceBin(blue: 0, green: 100, red: 200) == 1)
    }

    @Test func aPersonAtAnEdgeOfTheFrameIsSampledFromWhatIsInside() throws {
        for box in [Box(x: -15, y: -20, width: 40, height: 100), Box(x: 290, y: 150, width: 40, height: 100)] {
            let inside = Box(x: max(box.x, 0), y: max(box.y, 0), width: min(box.x + box.width, 320) - max(box.x, 0),
                             height: min(box.y + box.height, 240) - max(box.y, 0))
            // Painted where it is visible, with the shirt/trousers boundary at the box's middle.
            var pixels = frame([]).pixels
            for y in Int(inside.y)..<Int(inside.y + inside.height) {
                let colour = Double(y) < box.y + box.height / 2 ? Self.red : Self.blue
                for x in Int(inside.x)..<Int(inside.x + inside.width) {
                    let i = (y * 320 + x) * 3
                    (pixels[i], pixels[i + 1], pixels[i + 2]) = colour
                }
            }
            let scene = Frame(width: 320, height: 240, pixels: pixels, index: 0, time: 0)
            let signature = try #require(scene.appearance(of: box))
            #expect(signature.bins[0] == 1)
            #expect(signature.bins[Appearance.binsPerHalf + 8] == 1)
        }
        #expect(frame([]).appearance(of: Box(x: .nan, y: 0, width: 40, height: 100)) == nil)
        #expect(frame([]).appearance(of: Box(x: 0, y: 0, width: .infinity, height: 100)) == nil)
    }

    @Test func aBoxMostlyOutsideTheFrameHasNoSignature() {
        let scene = frame([])
        #expect(scene.appearance(of: Box(x: 310, y: 40, width: 40, height: 100)) == nil)
        #expect(scene.appearance(of: Box(x: 40, y: 230, width: 40, height: 100)) == nil)
        #expect(scene.appearance(of: Box(x: 40, y: 40, width: 40, height: 100)) != nil)
    }
}
