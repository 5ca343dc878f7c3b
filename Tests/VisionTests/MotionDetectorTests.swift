import CountingCore
import Testing
import Vision

/// The motion detector on made-up frames: a still, slightly noisy background, then a dark
/// person-sized box. Both background models, in colour and grey, at half and full scale.
struct MotionDetectorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var background: MotionDetectorConfiguration.Background
        var grey: Bool
        var scale: Double
        var testDescription: String { "\(background), \(grey ? "grey" : "colour"), scale \(scale)" }
    }

    static let cases: [Case] = MotionDetectorConfiguration.Background.allCases.flatMap { background in
        [Case(background: background, grey: false, scale: 0.5), Case(background: background, grey: true, scale: 0.5),
         Case(background: background, grey: false, scale: 1)]
    }

    /// A `width` × `height` frame of light grey with a little fixed noise, and a dark box when given.
    static func frame(width: Int, height: Int, index: Int, box: Box? = nil) -> Frame {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var seed: UInt32 = 12_345 &+ UInt32(index) &* 2_654_435_761
        for y in 0..<height {
            for x in 0..<width {
                seed = seed &* 1_664_525 &+ 1_013_904_223
                var value = 196 + Int(seed >> 29)
                if let box, Double(x) >= box.x, Double(x) < box.x + box.width, Double(y) >= box.y,
                   Double(y) < box.y + box.height {
                    value = 40
                }
                for channel in 0..<3 { pixels[(y * width + x) * 3 + channel] = UInt8(value) }
            }
        }
        return Frame(width: width, height: height, pixels: pixels, index: index, time: Double(index) / 10)
    }

    /// Teaches `detector` the empty scene, then shows the box: what it finds then.
    static func detections(_ detector: MotionDetector, width: Int, height: Int, box: Box) throws -> [Detection] {
        for index in 0..<40 {
            let still = try detector.detect(frame(width: width, height: height, index: index))
            if index >= 20 { #expect(still.isEmpty, "nothing moves in frame \(index): \(still)") }
        }
        return try detector.detect(frame(width: width, height: height, index: 40, box: box))
    }

    @Test(arguments: cases)
    func aPersonAppearingIsOneBoxAroundThem(_ setting: Case) throws {
        let detector = try MotionDetector(configuration: MotionDetectorConfiguration(
            scale: setting.scale, grey: setting.grey, background: setting.background))
        let person = Box(x: 60, y: 40, width: 24, height: 48)
        let found = try Self.detections(detector, width: 160, height: 120, box: person)
        try #require(found.count == 1, "\(found)")
        #expect(found[0].box.iou(person) > 0.5, "\(found[0].box)")
    }

    @Test(arguments: MotionDetectorConfiguration.Background.allCases)
    func aStreamThatChangesSizeIsLearntAgain(background: MotionDetectorConfiguration.Background) throws {
        let detector = try MotionDetector(configuration: MotionDetectorConfiguration(background: background))
        _ = try Self.detections(detector, width: 160, height: 120, box: Box(x: 60, y: 40, width: 24, height: 48))
        let person = Box(x: 100, y: 60, width: 30, height: 60)
        let found = try Self.detections(detector, width: 240, height: 180, box: person)
        try #require(found.count == 1, "\(found)")
        #expect(found[0].box.iou(person) > 0.5, "\(found[0].box)")
    }

    @Test func aBadSettingIsRefusedWithItsName() {
        #expect(throws: VisionError.self) {
            try MotionDetector(configuration: MotionDetectorConfiguration(history: 0, background: .gaussian))
        }
        #expect {
            try MotionDetector(configuration: MotionDetectorConfiguration(varianceThreshold: 0, background: .gaussian))
        } throws: { error in
            "\(error)".contains("variance threshold")
        }
    }
}
