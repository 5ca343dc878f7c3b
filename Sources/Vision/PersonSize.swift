import CountingCore

/// How big a standing person looks at two heights of the image; sizes in between (and
/// beyond) follow a straight line, as they do for a camera looking down at flat ground.
public struct PersonSize: Hashable, Sendable, Codable {
    /// A person's box with its feet at row `y`.
    public struct Reference: Hashable, Sendable, Codable {
        public var y: Double
        public var width: Double
        public var height: Double

        public init(y: Double, width: Double, height: Double) {
            self.y = y
            self.width = width
            self.height = height
        }
    }

    public var far: Reference
    public var near: Reference

    public init(far: Reference, near: Reference) {
        self.far = far
        self.near = near
    }

    /// Parses `Y:WxH,Y:WxH`, e.g. `150:20x55,365:37x100` (far, then near).
    public init?(_ text: String) {
        let parts = text.split(separator: ",")
        guard parts.count == 2 else { return nil }
        var references: [Reference] = []
        for part in parts {
            let yAndSize = part.split(separator: ":")
            guard yAndSize.count == 2, let y = Double(yAndSize[0]) else { return nil }
            let size = yAndSize[1].split(separator: "x")
            guard size.count == 2, let width = Double(size[0]), let height = Double(size[1]), width > 0, height > 0
            else { return nil }
            references.append(Reference(y: y, width: width, height: height))
        }
        guard references[0].y != references[1].y else { return nil }
        self.init(far: references[0], near: references[1])
    }

    /// The expected width and height of a person whose feet are at row `y` (never below 1 pixel).
    public func expected(atFeet y: Double) -> (width: Double, height: Double) {
        let t = (y - far.y) / (near.y - far.y)
        let width = far.width + t * (near.width - far.width)
        let height = far.height + t * (near.height - far.height)
        return (max(1, width), max(1, height))
    }
}
