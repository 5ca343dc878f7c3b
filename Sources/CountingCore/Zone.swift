/// A polygonal zone; a person is inside when its reference point is inside the polygon.
///
/// File format: `{"name":"lobby","polygon":[[x,y],…],"entrances":[{"line":"door","entering":"in"}]}`;
/// `entrances` is optional and written only when there are some.
public struct Zone: Hashable, Sendable, Codable {
    public var name: String
    public var polygon: [Point]
    /// The counted lines that are the zone's only ways in and out, if it has such; the zone's
    /// occupancy is then also kept from their counts (`ZoneCounter.countedOccupancy`).
    public var entrances: [ZoneEntrance]

    public init(name: String, polygon: [Point], entrances: [ZoneEntrance] = []) {
        self.name = name
        self.polygon = polygon
        self.entrances = entrances
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        polygon = try container.decode([Point].self, forKey: .polygon)
        entrances = try container.decodeIfPresent([ZoneEntrance].self, forKey: .entrances) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(polygon, forKey: .polygon)
        if !entrances.isEmpty { try container.encode(entrances, forKey: .entrances) }
    }

    private enum CodingKeys: String, CodingKey {
        case name, polygon, entrances
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
