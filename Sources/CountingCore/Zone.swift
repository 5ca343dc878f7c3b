/// A polygonal zone; a person is inside when its reference point is inside the polygon.
public struct Zone: Hashable, Sendable, Codable {
    public var name: String
    public var polygon: [Point]

    public init(name: String, polygon: [Point]) {
        self.name = name
        self.polygon = polygon
    }

    /// Even-odd ray casting; points exactly on an edge may fall either way.
    public func contains(_ p: Point) -> Bool {
        guard polygon.count >= 3 else { return false }
        var inside = false
        var j = polygon.count - 1
        for i in 0..<polygon.count {
            let pi = polygon[i]
            let pj = polygon[j]
            if (pi.y > p.y) != (pj.y > p.y) {
                let xCross = (pj.x - pi.x) * (p.y - pi.y) / (pj.y - pi.y) + pi.x
                if p.x < xCross { inside.toggle() }
            }
            j = i
        }
        return inside
    }
}
