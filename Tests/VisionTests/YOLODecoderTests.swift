import CountingCore
import Testing
import Vision

struct YOLODecoderTests {
    /// A 640×480 frame in a 640 input: scale 1, 80 pixels of padding above and below.
    let letterbox = Letterbox(sourceWidth: 640, sourceHeight: 480, inputSize: 640)

    @Test func letterboxKeepsTheAspectAndCentres() {
        #expect(letterbox.scale == 1 && letterbox.padX == 0 && letterbox.padY == 80)
        let wide = Letterbox(sourceWidth: 1280, sourceHeight: 720, inputSize: 320)
        #expect(wide.scale == 0.25 && wide.padY == 70)
        #expect(wide.sourceBox(centerX: 160, centerY: 160, width: 40, height: 80) == Box(x: 560, y: 200, width: 160, height: 320))
    }

    @Test func v8AttributesFirstWithClassFilterThresholdAndNMS() throws {
        // Four candidates, 4 + 2 classes (person, car), attributes first: [1, 6, 4].
        let columns: [[Float]] = [
            [100, 200, 20, 40, 0.9, 0.1],  // person
            [102, 201, 20, 40, 0.8, 0.1],  // the same person, lower score: suppressed
            [300, 300, 30, 30, 0.3, 0.9],  // a car
            [400, 300, 20, 40, 0.2, 0.0],  // below the threshold
        ]
        var output = [Float](repeating: 0, count: 24)
        for (candidate, values) in columns.enumerated() {
            for (attribute, value) in values.enumerated() { output[attribute * 4 + candidate] = value }
        }
        let found = try YOLODecoder(family: .v8).decode(output, shape: [1, 6, 4], letterbox: letterbox)
        #expect(found.count == 1)
        #expect(found.first?.box == Box(x: 90, y: 100, width: 20, height: 40))
        #expect(abs((found.first?.confidence ?? 0) - 0.9) < 1e-6)
    }

    @Test func v5RowsMultiplyObjectnessAndClassScore() throws {
        // [1, 2, 6]: cx, cy, w, h, objectness, person.
        let output: [Float] = [
            320, 320, 64, 128, 0.5, 0.8,  // 0.4: kept
            100, 100, 10, 10, 0.9, 0.2,  // 0.18: dropped
        ]
        let found = try YOLODecoder(family: .v5).decode(output, shape: [1, 2, 6], letterbox: letterbox)
        #expect(found.map(\.box) == [Box(x: 288, y: 176, width: 64, height: 128)])
        #expect(abs((found.first?.confidence ?? 0) - 0.4) < 1e-6)
    }

    @Test func aWrongShapeIsAClearError() {
        #expect(throws: VisionError.self) {
            try YOLODecoder(family: .v8).decode([0, 0, 0], shape: [1, 3], letterbox: letterbox)
        }
        #expect {
            try YOLODecoder(family: .v8, personClass: 3).decode([Float](repeating: 0, count: 5 * 10), shape: [1, 5, 10], letterbox: letterbox)
        } throws: { error in
            "\(error)".contains("needs at least 4")
        }
    }
}
