import COpenCV
import Foundation

/// Writes the text graph that lets OpenCV's DNN module run an SSD detector frozen by
/// TensorFlow's object detection API.
///
/// OpenCV cannot run such a graph as frozen: its pre- and post-processing are TensorFlow loops.
/// The text graph keeps the network proper (the feature extractor, the box predictors, and
/// the graph's own `(2/255)·x − 1` input scaling), drops the rest, and adds what OpenCV does
/// natively: anchors (`PriorBox`, one layer per feature map) and decoding with non-maximum
/// suppression (`DetectionOutput`). Weights stay in the frozen graph; nodes are matched by name.
public struct SSDTextGraph: Sendable {
    /// What was read from the graph itself.
    public struct Structure: Hashable, Sendable {
        /// Anchors per cell of each feature map, from the box predictors' widths.
        public var anchorsPerCell: [Int]
        /// Classes the class predictors score, background left out.
        public var classes: Int
    }

    public var anchors: SSDAnchorSettings
    /// The training input's size (`fixed_shape_resizer`); anchors are sized against its smaller side.
    public var trainingWidth: Int
    public var trainingHeight: Int
    /// Classes the model must detect (1 for a person detector).
    public var expectedClasses: Int
    /// Scores below this are dropped inside the network; Footfall's own threshold is applied after.
    public var minimumScore: Double

    public init(anchors: SSDAnchorSettings, trainingWidth: Int = 300, trainingHeight: Int = 300,
                expectedClasses: Int = 1, minimumScore: Double = 0.05) {
        self.anchors = anchors
        self.trainingWidth = trainingWidth
        self.trainingHeight = trainingHeight
        self.expectedClasses = expectedClasses
        self.minimumScore = minimumScore
    }

    /// Ops the network proper is made of; every other node is TensorFlow pre- or post-processing.
    static let keptOps: Set<String> = [
        "Placeholder", "Conv2D", "DepthwiseConv2dNative", "BiasAdd", "FusedBatchNorm", "FusedBatchNormV3",
        "Relu", "Relu6", "Add", "AddV2", "Sub", "Mul", "ConcatV2", "MaxPool", "AvgPool", "Pad", "Mean",
    ]
    static let droppedPrefixes = ["MultipleGridAnchorGenerator/", "Concatenate/", "Postprocessor/", "Preprocessor/map"]
    /// Attributes OpenCV's importer does not read.
    static let droppedAttributes: Set<String> = [
        "T", "Tshape", "N", "Tidx", "Tdim", "use_cudnn_on_gpu", "Index", "Tperm", "is_training", "Tpaddings",
    ]

    /// Reads the frozen graph at `graphPath` and returns the text graph for it.
    public func generate(graphPath: String) throws(VisionError) -> String {
        let dump = FileManager.default.temporaryDirectory
            .appendingPathComponent("footfall-graph-\(UInt64.random(in: 0...UInt64.max)).pbtxt").path
        defer { try? FileManager.default.removeItem(atPath: dump) }
        var error = [CChar](repeating: 0, count: 512)
        guard ff_tf_write_text_graph(graphPath, dump, &error, Int32(error.count)) == 0 else {
            throw .modelInvalid(path: graphPath, reason: Self.explain(String(errorBuffer: error)))
        }
        let text: String
        do {
            text = try String(contentsOfFile: dump, encoding: .utf8)
        } catch {
            throw .modelInvalid(path: graphPath, reason: "its structure could not be read back: \(error)")
        }
        do throws(VisionError) {
            return try generate(structure: TextProtoMessage(parsing: text)).formatted()
        } catch {
            if case .modelInvalid(_, let reason) = error { throw .modelInvalid(path: graphPath, reason: reason) }
            throw error
        }
    }

    /// What OpenCV says about a graph it cannot parse, in plain words.
    static func explain(_ message: String) -> String {
        if message.contains("Failed to parse GraphDef") || message.contains("ReadProtoFromBinaryFile") {
            return "not a TensorFlow graph: the file is corrupt or truncated"
        }
        return message
    }

    /// The text graph for a graph whose structure (nodes without weights) is `graph`.
    public func generate(structure graph: TextProtoMessage) throws(VisionError) -> TextProtoMessage {
        var nodes = graph.values("node").compactMap { value -> GraphNode? in
            if case .message(let message) = value { return GraphNode(message) }
            return nil
        }
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let structure = try Self.structure(of: byName)
        try check(structure)

        // Identities pass their input through: point their readers at that input instead.
        var identities: [String: String] = [:]
        for node in nodes where node.op == "Identity" || node.op == "IdentityN" {
            if let input = node.inputs.first { identities[node.name] = input }
        }
        func resolve(_ name: String) -> String {
            var current = name
            var steps = 0
            while let next = identities[current], steps < 1000 {
                current = next
                steps += 1
            }
            return current
        }
        var removed = Set<String>()
        var kept: [GraphNode] = []
        for node in nodes where node.op != "Identity" && node.op != "IdentityN" && node.op != "Const" {
            if !Self.keptOps.contains(node.op) || Self.droppedPrefixes.contains(where: node.name.hasPrefix) {
                removed.insert(node.name)
            } else {
                kept.append(node)
            }
        }
        for index in kept.indices {
            // Inputs that are constants stay: OpenCV finds their values in the frozen graph.
            kept[index].inputs = kept[index].inputs.map(resolve).filter {
                !removed.contains(String($0.split(separator: ":").first ?? ""))
            }
            kept[index].attributes.removeAll { Self.droppedAttributes.contains($0.key) }
        }
        guard let input = kept.first, input.op == "Placeholder", kept.count > 1, let weights = kept[1].inputs.last else {
            throw .modelInvalid(path: "graph", reason: "the graph does not start with an input placeholder and a layer")
        }
        // The first layer read the resized image, which the dropped preprocessing made: feed it the input.
        kept[1].inputs = [input.name, weights]
        for index in kept.indices where Self.isBoxEncodingConvolution(kept[index].name) {
            kept[index].attributes.append((key: "loc_pred_transposed", value: Self.attribute("b", "true")))
        }
        nodes = kept + head(input: input.name, structure: structure)
        return TextProtoMessage(fields: Self.reachable(from: "detection_out", in: nodes).map { ("node", .message($0.message)) })
    }

    private func check(_ structure: Structure) throws(VisionError) {
        guard structure.classes == expectedClasses else {
            throw .modelInvalid(path: "graph", reason: "the graph predicts \(structure.classes) classes per box; "
                + "Footfall's ssd detector needs a model of \(expectedClasses) class\(expectedClasses == 1 ? " (person)" : "es")")
        }
        guard structure.anchorsPerCell.count == anchors.layerCount else {
            throw .modelInvalid(path: "graph", reason: "the graph has \(structure.anchorsPerCell.count) box predictor layers, "
                + "the anchor settings \(anchors.layerCount)")
        }
        for (layer, count) in structure.anchorsPerCell.enumerated() where count != anchors.anchorsPerCell(layer: layer) {
            throw .modelInvalid(path: "graph", reason: "box predictor \(layer) has \(count) anchors per cell, "
                + "the anchor settings give \(anchors.anchorsPerCell(layer: layer))")
        }
    }

    /// Anchors per cell and classes, read from the shapes of the predictors' weights.
    static func structure(of nodes: [String: GraphNode]) throws(VisionError) -> Structure {
        var anchorsPerCell: [Int] = []
        var classes: Int?
        var layer = 0
        while let box = nodes["BoxPredictor_\(layer)/BoxEncodingPredictor/weights"] {
            guard let boxShape = box.constantShape, let boxChannels = boxShape.last, boxChannels % 4 == 0, boxChannels > 0,
                  let classShape = nodes["BoxPredictor_\(layer)/ClassPredictor/weights"]?.constantShape,
                  let classChannels = classShape.last, classChannels % (boxChannels / 4) == 0
            else {
                throw .modelInvalid(path: "graph", reason: "box predictor \(layer) has weights of unexpected shapes")
            }
            let anchors = boxChannels / 4
            let layerClasses = classChannels / anchors - 1
            if let classes, classes != layerClasses {
                throw .modelInvalid(path: "graph", reason: "box predictors disagree on the number of classes")
            }
            classes = layerClasses
            anchorsPerCell.append(anchors)
            layer += 1
        }
        guard let classes else {
            throw .modelInvalid(path: "graph", reason: "no box predictors (BoxPredictor_0/…) found: "
                + "not an SSD detector of TensorFlow's object detection API")
        }
        return Structure(anchorsPerCell: anchorsPerCell, classes: classes)
    }

    /// Flattened predictions, anchors and the detection output that decodes them.
    private func head(input: String, structure: Structure) -> [GraphNode] {
        let layers = structure.anchorsPerCell.count
        var nodes: [GraphNode] = [GraphNode(name: "concat/axis_flatten", op: "Const", inputs: [],
                                            attributes: [(key: "value", value: Self.tensor(ints: [-1]))])]
        for label in ["ClassPredictor", "BoxEncodingPredictor"] {
            var flattened: [String] = []
            for layer in 0..<layers {
                let source = "BoxPredictor_\(layer)/\(label)/BiasAdd"
                nodes.append(GraphNode(name: source + "/Flatten", op: "Flatten", inputs: [source]))
                flattened.append(source + "/Flatten")
            }
            nodes.append(GraphNode(name: "\(label)/concat", op: "ConcatV2", inputs: flattened + ["concat/axis_flatten"]))
        }
        let trainingSize = Double(min(trainingWidth, trainingHeight))
        let variances = anchors.boxCoderScales.map { 1 / $0 }
        var priors: [String] = []
        for layer in 0..<layers {
            let sizes = anchors.anchorSizes(layer: layer, trainingSize: trainingSize)
            nodes.append(GraphNode(
                name: "PriorBox_\(layer)", op: "PriorBox",
                inputs: ["BoxPredictor_\(layer)/BoxEncodingPredictor/BiasAdd", input],
                attributes: [
                    (key: "clip", value: Self.attribute("b", "false")),
                    (key: "flip", value: Self.attribute("b", "false")),
                    (key: "height", value: Self.tensor(floats: sizes.heights)),
                    (key: "variance", value: Self.tensor(floats: variances)),
                    (key: "width", value: Self.tensor(floats: sizes.widths)),
                ]))
            priors.append("PriorBox_\(layer)")
        }
        nodes.append(GraphNode(name: "PriorBox/concat", op: "ConcatV2", inputs: priors + ["concat/axis_flatten"]))
        nodes.append(GraphNode(name: "ClassPredictor/concat3d/shape", op: "Const", inputs: [],
                               attributes: [(key: "value", value: Self.tensor(ints: [0, -1, structure.classes + 1]))]))
        nodes.append(GraphNode(name: "ClassPredictor/concat3d", op: "Reshape",
                               inputs: ["ClassPredictor/concat", "ClassPredictor/concat3d/shape"]))
        // The model was trained with sigmoid scores, one per class, not a softmax.
        nodes.append(GraphNode(name: "ClassPredictor/concat/sigmoid", op: "Sigmoid", inputs: ["ClassPredictor/concat3d"]))
        nodes.append(GraphNode(name: "ClassPredictor/concat/sigmoid/Flatten", op: "Flatten",
                               inputs: ["ClassPredictor/concat/sigmoid"]))
        nodes.append(GraphNode(
            name: "detection_out", op: "DetectionOutput",
            inputs: ["BoxEncodingPredictor/concat", "ClassPredictor/concat/sigmoid/Flatten", "PriorBox/concat"],
            attributes: [
                (key: "background_label_id", value: Self.attribute("i", "0")),
                (key: "code_type", value: Self.attribute("s", "\"CENTER_SIZE\"")),
                (key: "confidence_threshold", value: Self.attribute("f", Self.number(minimumScore))),
                // Every person of a crowd must reach suppression: no cut before it, 200 kept after.
                (key: "keep_top_k", value: Self.attribute("i", "200")),
                (key: "nms_threshold", value: Self.attribute("f", Self.number(anchors.nmsThreshold))),
                (key: "num_classes", value: Self.attribute("i", "\(structure.classes + 1)")),
                (key: "share_location", value: Self.attribute("b", "true")),
                (key: "top_k", value: Self.attribute("i", "-1")),
            ]))
        return nodes
    }

    static func isBoxEncodingConvolution(_ name: String) -> Bool {
        guard name.hasPrefix("BoxPredictor_") else { return false }
        return name.hasSuffix("/BoxEncodingPredictor/Conv2D") || name.hasSuffix("/BoxEncodingPredictor/convolution")
    }

    /// The nodes `output` depends on, in their original order.
    static func reachable(from output: String, in nodes: [GraphNode]) -> [GraphNode] {
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var reached = Set<String>()
        var pending = [output]
        while let next = pending.popLast() {
            let name = String(next.split(separator: ":").first ?? "")
            guard !reached.contains(name), let node = byName[name] else { continue }
            reached.insert(name)
            pending += node.inputs
        }
        return nodes.filter { reached.contains($0.name) }
    }

    static func attribute(_ kind: String, _ token: String) -> TextProtoMessage {
        TextProtoMessage(fields: [(kind, .scalar(token))])
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(format: "%.1f", value) : "\(value)"
    }

    static func tensor(floats: [Double]) -> TextProtoMessage {
        tensor(type: "DT_FLOAT", field: "float_val", values: floats.map(number))
    }

    static func tensor(ints: [Int]) -> TextProtoMessage {
        tensor(type: "DT_INT32", field: "int_val", values: ints.map(String.init))
    }

    private static func tensor(type: String, field: String, values: [String]) -> TextProtoMessage {
        var tensor = TextProtoMessage(fields: [
            ("dtype", .scalar(type)),
            ("tensor_shape", .message(TextProtoMessage(fields: [
                ("dim", .message(TextProtoMessage(fields: [("size", .scalar("\(values.count)"))]))),
            ]))),
        ])
        for value in values { tensor.append(field, .scalar(value)) }
        return TextProtoMessage(fields: [("tensor", .message(tensor))])
    }
}

/// One node of a TensorFlow graph as text: name, op, inputs and attributes.
struct GraphNode: Sendable {
    var name: String
    var op: String
    var inputs: [String]
    var attributes: [(key: String, value: TextProtoMessage)]
    /// Fields other than these, kept as they are.
    var other: [(name: String, value: TextProtoMessage.Value)] = []

    init(name: String, op: String, inputs: [String], attributes: [(key: String, value: TextProtoMessage)] = []) {
        self.name = name
        self.op = op
        self.inputs = inputs
        self.attributes = attributes
    }

    init?(_ message: TextProtoMessage) {
        guard let name = message.scalar("name"), let op = message.scalar("op") else { return nil }
        self.init(name: name, op: op, inputs: message.values("input").compactMap {
            if case .scalar(let token) = $0 { return TextProtoMessage.unquoted(token) }
            return nil
        })
        for field in message.fields {
            switch field.name {
            case "name", "op", "input": continue
            case "attr":
                guard case .message(let entry) = field.value, let key = entry.scalar("key"),
                      let value = entry.message("value") else { continue }
                attributes.append((key, value))
            default:
                other.append(field)
            }
        }
    }

    /// The shape of a constant's tensor, when this node is one.
    var constantShape: [Int]? {
        guard let value = attributes.first(where: { $0.key == "value" })?.value,
              let shape = value.message("tensor")?.message("tensor_shape") else { return nil }
        return shape.values("dim").compactMap {
            if case .message(let dim) = $0 { return dim.scalar("size").flatMap { Int($0) } }
            return nil
        }
    }

    var message: TextProtoMessage {
        var message = TextProtoMessage(fields: [("name", TextProtoMessage.string(name)), ("op", TextProtoMessage.string(op))])
        for input in inputs { message.append("input", TextProtoMessage.string(input)) }
        for field in other { message.append(field.name, field.value) }
        for attribute in attributes {
            message.append("attr", .message(TextProtoMessage(fields: [
                ("key", TextProtoMessage.string(attribute.key)), ("value", .message(attribute.value)),
            ])))
        }
        return message
    }
}
