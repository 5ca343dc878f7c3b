import CountingCore
import Foundation
import Testing
import Vision

/// The ONNX path end to end: models built by `scripts/fixtures/make_yolo_onnx.py` with known
/// outputs, loaded by OpenCV DNN, run on a frame, decoded.
@Suite(.enabled(if: ONNXFixtures.available, "needs python3 with the onnx package (scripts/setup.sh --tests)"))
struct ONNXDetectorTests {
    /// A 128 × 64 grey frame: in a 64 input it is scaled by 0.5 with 16 pixels of padding above and below.
    let frame = Frame(width: 128, height: 64, pixels: [UInt8](repeating: 90, count: 128 * 64 * 3), index: 0, time: 0)

    @Test func aV8ModelGivesTheExpectedPeople() throws {
        // [1, 6, 3]: candidates as columns. A person at input (32, 32, 16, 32) scored 0.9, its
        // duplicate at 0.8, and a car.
        let columns: [[Float]] = [[32, 32, 16, 32, 0.9, 0.05], [33, 32, 16, 32, 0.8, 0.05], [10, 40, 8, 8, 0.2, 0.95]]
        var values = [Float](repeating: 0, count: 18)
        for (candidate, column) in columns.enumerated() {
            for (attribute, value) in column.enumerated() { values[attribute * 3 + candidate] = value }
        }
        let model = try ONNXFixtures.model(shape: [1, 6, 3], values: values)
        defer { try? FileManager.default.removeItem(atPath: model) }
        let detector = try ONNXDetector(modelPath: model, inputSize: 64, decoder: YOLODecoder(family: .v8))
        let found = try detector.detect(frame)
        #expect(found.count == 1)
        #expect(found.first?.box == Box(x: 48, y: 0, width: 32, height: 64))
        #expect(abs((found.first?.confidence ?? 0) - 0.9) < 1e-5)
    }

    @Test func aV5ModelUsesObjectness() throws {
        let values: [Float] = [32, 32, 16, 32, 0.5, 0.9, 0, 0, 4, 4, 0.1, 0.9]
        let model = try ONNXFixtures.model(shape: [1, 2, 6], values: values)
        defer { try? FileManager.default.removeItem(atPath: model) }
        let detector = try ONNXDetector(modelPath: model, inputSize: 64, decoder: YOLODecoder(family: .v5))
        let found = try detector.detect(frame)
        #expect(found.map(\.box) == [Box(x: 48, y: 0, width: 32, height: 64)])
        #expect(abs((found.first?.confidence ?? 0) - 0.45) < 1e-5)
    }

    @Test func aMalformedModelIsAClearError() throws {
        let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-garbage-\(UUID().uuidString).onnx").path
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: garbage))
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        #expect {
            try ONNXDetector(modelPath: garbage, inputSize: 64, decoder: YOLODecoder(family: .v8))
        } throws: { error in
            "\(error)".contains("cannot load") && "\(error)".contains(garbage)
        }
        // A wrong output shape is found when the detector is made, before any camera frame.
        let flat = try ONNXFixtures.model(shape: [1, 6], values: [Float](repeating: 0.5, count: 6))
        defer { try? FileManager.default.removeItem(atPath: flat) }
        #expect {
            try ONNXDetector(modelPath: flat, inputSize: 64, decoder: YOLODecoder(family: .v8))
        } throws: { error in
            "\(error)".contains("expected an output of shape [1, rows, columns]") && "\(error)".contains("does not run")
        }
    }

    /// YOLOv8-shaped exports with what OpenCV 4.6 cannot run: the error says how to prepare
    /// them, and the prepared model runs and gives the same output as a clean export.
    @Test(arguments: ["identity", "mul"])
    func anExportOpenCVCannotRunSaysHowToPrepareIt(fault: String) throws {
        let broken = try ONNXFixtures.yoloLike(size: 64, broken: fault)
        let prepared = broken + ".prepared.onnx"
        let clean = try ONNXFixtures.yoloLike(size: 64, broken: nil)
        defer { for path in [broken, prepared, clean] { try? FileManager.default.removeItem(atPath: path) } }
        #expect {
            try ONNXDetector(modelPath: broken, inputSize: 64, decoder: YOLODecoder(family: .v8))
        } throws: { error in
            "\(error)".contains("scripts/prepare_onnx_model.py \(broken)")
        }
        try ONNXFixtures.run(["python3", ONNXFixtures.scripts + "/prepare_onnx_model.py", broken, prepared])
        let decoder = YOLODecoder(family: .v8, confidenceThreshold: 0.01)
        let fixed = try ONNXDetector(modelPath: prepared, inputSize: 64, decoder: decoder)
        let reference = try ONNXDetector(modelPath: clean, inputSize: 64, decoder: decoder)
        let frame = Frame(width: 96, height: 64, pixels: (0..<(96 * 64 * 3)).map { UInt8(($0 * 7) % 256) }, index: 0, time: 0)
        #expect(try fixed.detect(frame) == reference.detect(frame))
    }
}

enum ONNXFixtures {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts").path
    static let script = scripts + "/fixtures/make_yolo_onnx.py"

    /// A random-weight network shaped like YOLOv8n; `broken` adds what OpenCV 4.6 cannot run
    /// (`identity` or `mul`), as real exports have.
    static func yoloLike(size: Int, broken: String?) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-yolo-like-\(UUID().uuidString).onnx").path
        try run(["python3", scripts + "/fixtures/make_yolo_like_onnx.py", path, "--size", String(size)]
                + (broken.map { ["--broken", $0] } ?? []))
        return path
    }

    /// In CI the package must be there; elsewhere the tests are skipped without it.
    static var available: Bool {
        if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
        return (try? run(["python3", "-c", "import onnx"])) != nil
    }

    static func model(shape: [Int], values: [Float]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-yolo-\(UUID().uuidString).onnx").path
        try run(["python3", script, path, "--size", "64", "--shape", shape.map(String.init).joined(separator: ","),
                 "--values", "[" + values.map { String($0) }.joined(separator: ",") + "]"])
        return path
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "failed: \(arguments.joined(separator: " "))"])
        }
        return process.terminationStatus
    }
}
