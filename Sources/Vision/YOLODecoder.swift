import CountingCore

/// Turns the raw output tensor of a YOLO detection model into person detections: layout of
/// each family, class filter, confidence threshold, letterbox undone, non-maximum suppression.
///
/// Layouts: YOLOv5 gives `[1, N, 5 + C]` rows of centre x, centre y, width, height,
/// objectness and C class scores (confidence = objectness × class score). YOLOv8 and YOLO11
/// give `[1, 4 + C, N]`: the same without objectness, one column per candidate (`transposed`
/// reads `[1, N, 4 + C]`).
public struct YOLODecoder: Hashable, Sendable {
    public enum Family: String, Hashable, Sendable, Codable {
        case v5
        case v8
        case v11

        var hasObjectness: Bool { self == .v5 }
    }

    public var family: Family
    /// Index of the "person" class (0 in COCO and in person-only models).
    public var personClass: Int
    public var confidenceThreshold: Double
    /// Boxes overlapping a better one by more than this IoU are dropped.
    public var nmsThreshold: Double
    /// A v8/v11 model exported with candidates as rows (`[1, N, 4 + C]`) instead of columns.
    public var transposed: Bool

    public init(family: Family, personClass: Int = 0, confidenceThreshold: Double = 0.25, nmsThreshold: Double = 0.45,
                transposed: Bool = false) {
        self.family = family
        self.transposed = transposed
        self.personClass = personClass
        self.confidenceThreshold = confidenceThreshold
        self.nmsThreshold = nmsThreshold
    }

    /// Decodes `output` of shape `shape` (3 dimensions, batch 1).
    public func decode(_ output: [Float], shape: [Int], letterbox: Letterbox) throws(VisionError) -> [Detection] {
        guard shape.count == 3, shape[0] == 1, shape.reduce(1, *) == output.count else {
            throw .detectorFailed(detector: "onnx", reason: "expected an output of shape [1, rows, columns], got \(shape)")
        }
        let attributes = family.hasObjectness ? 5 : 4
        let attributesFirst = !family.hasObjectness && !transposed
        let candidates = attributesFirst ? shape[2] : shape[1]
        let width = attributesFirst ? shape[1] : shape[2]
        let classes = width - attributes
        guard classes > personClass else {
            throw .detectorFailed(detector: "onnx", reason: "the output has \(max(0, classes)) classes per box; "
                + "\(family.rawValue) with person class \(personClass) needs at least \(personClass + 1) (shape \(shape))")
        }
        func value(_ candidate: Int, _ attribute: Int) -> Double {
            Double(attributesFirst ? output[attribute * candidates + candidate] : output[candidate * width + attribute])
        }
        var found: [Detection] = []
        for candidate in 0..<candidates {
            var score = value(candidate, attributes + personClass)
            if family.hasObjectness { score *= value(candidate, 4) }
            guard score >= confidenceThreshold else { continue }
            // Keep a box only if "person" is its best class.
            var best = true
            for other in 0..<classes where other != personClass && value(candidate, attributes + other) > value(candidate, attributes + personClass) {
                best = false
                break
            }
            guard best else { continue }
            let box = letterbox.sourceBox(centerX: value(candidate, 0), centerY: value(candidate, 1),
                                          width: value(candidate, 2), height: value(candidate, 3))
            found.append(Detection(box: box, confidence: score))
        }
        return Self.suppress(found, threshold: nmsThreshold)
    }

    /// Greedy non-maximum suppression, highest confidence first.
    public static func suppress(_ detections: [Detection], threshold: Double) -> [Detection] {
        var kept: [Detection] = []
        for detection in detections.sorted(by: { $0.confidence > $1.confidence })
        where !kept.contains(where: { $0.box.iou(detection.box) > threshold }) {
            kept.append(detection)
        }
        return kept
    }
}
