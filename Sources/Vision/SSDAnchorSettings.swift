import Foundation

/// The anchor boxes of an SSD model trained with TensorFlow's object detection API
/// (`ssd_anchor_generator` of its training configuration) and how its boxes are decoded.
///
/// Anchors are set in pixels of the training input: they keep that size at any input size,
/// which is why a frame run at its native size finds people too small to see at 300 × 300.
public struct SSDAnchorSettings: Hashable, Sendable, Codable {
    public var layerCount: Int
    public var minimumScale: Double
    public var maximumScale: Double
    public var aspectRatios: [Double]
    /// The lowest layer has 3 anchors (a small square, 2:1 and 1:2) instead of one per ratio + 1.
    public var reducedLowestLayer: Bool
    /// `faster_rcnn_box_coder` scales: y, x, height, width.
    public var boxCoderScales: [Double]
    /// Non-maximum suppression inside the network, between a person's anchors.
    public var nmsThreshold: Double

    public init(layerCount: Int = 6, minimumScale: Double = 0.2, maximumScale: Double = 0.95,
                aspectRatios: [Double] = [1.0, 2.0, 0.5, 3.0, 0.3333], reducedLowestLayer: Bool = true,
                boxCoderScales: [Double] = [10, 10, 5, 5], nmsThreshold: Double = 0.6) {
        self.layerCount = layerCount
        self.minimumScale = minimumScale
        self.maximumScale = maximumScale
        self.aspectRatios = aspectRatios
        self.reducedLowestLayer = reducedLowestLayer
        self.boxCoderScales = boxCoderScales
        self.nmsThreshold = nmsThreshold
    }

    /// Anchors per feature-map cell of layer `layer`.
    public func anchorsPerCell(layer: Int) -> Int {
        layer == 0 && reducedLowestLayer ? 3 : aspectRatios.count + 1
    }

    /// Widths and heights of layer `layer`'s anchors in pixels of a `trainingSize` input
    /// (the smaller side of the training input).
    public func anchorSizes(layer: Int, trainingSize: Double) -> (widths: [Double], heights: [Double]) {
        let scales = (0..<layerCount).map {
            minimumScale + (maximumScale - minimumScale) * Double($0) / Double(max(1, layerCount - 1))
        } + [1.0]
        var widths: [Double]
        var heights: [Double]
        if layer == 0 && reducedLowestLayer {
            widths = [0.1, minimumScale * 2.0.squareRoot(), minimumScale * 0.5.squareRoot()]
            heights = [0.1, minimumScale / 2.0.squareRoot(), minimumScale / 0.5.squareRoot()]
        } else {
            widths = aspectRatios.map { scales[layer] * $0.squareRoot() }
            heights = aspectRatios.map { scales[layer] / $0.squareRoot() }
            // One more square anchor between this layer's scale and the next one's.
            let between = (scales[layer] * scales[layer + 1]).squareRoot()
            widths.append(between)
            heights.append(between)
        }
        return (widths.map { $0 * trainingSize }, heights.map { $0 * trainingSize })
    }
}
