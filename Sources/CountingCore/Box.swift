/// An axis-aligned box in pixels: top-left corner, width and height.
public struct Box: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The reference point of a person: the bottom centre of the box, where the feet are.
    public var bottomCenter: Point { Point(x: x + width / 2, y: y + height) }

    /// The centre of the box.
    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }

    public var area: Double { max(0, width) * max(0, height) }

    /// Intersection over union with another box, in 0...1.
    public func iou(_ other: Box) -> Double {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(x + width, other.x + other.width)
        let bottom = min(y + height, other.y + other.height)
        let intersection = max(0, right - left) * max(0, bottom - top)
        let union = area + other.area - intersection
        return union > 0 ? intersection / union : 0
    }

    /// The box moved by `dx`, `dy`.
    public func offsetBy(dx: Double, dy: Double) -> Box {
        Box(x: x + dx, y: y + dy, width: width, height: height)
    }
}
