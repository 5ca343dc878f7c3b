/// The counting lines and zones drawn on one camera, in pixels of its source frame.
///
/// File format: `{"lines":[{"name":"door","a":[x,y],"b":[x,y]}],"zones":[{"name":"lobby","polygon":[[x,y],…]}]}`.
public struct Geometry: Hashable, Sendable, Codable {
    public var lines: [CountingLine]
    public var zones: [Zone]

    public init(lines: [CountingLine] = [], zones: [Zone] = []) {
        self.lines = lines
        self.zones = zones
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        lines = try container.decodeIfPresent([CountingLine].self, forKey: .lines) ?? []
        zones = try container.decodeIfPresent([Zone].self, forKey: .zones) ?? []
    }

    /// Checks names and shapes; the error names the first offending field.
    public func validate() throws(CountingCoreError) {
        var names = Set<String>()
        func checkName(_ name: String, field: String) throws(CountingCoreError) {
            if name.isEmpty || name.count > 100 {
                throw .invalidGeometry(field: field, reason: "a name must have 1 to 100 characters")
            }
            if !names.insert(name).inserted {
                throw .invalidGeometry(field: field, reason: "the name \"\(name)\" is used twice")
            }
        }
        func checkPoint(_ p: Point, field: String) throws(CountingCoreError) {
            if !p.x.isFinite || !p.y.isFinite {
                throw .invalidGeometry(field: field, reason: "coordinates must be finite numbers")
            }
        }
        for (i, line) in lines.enumerated() {
            try checkName(line.name, field: "lines[\(i)].name")
            try checkPoint(line.a, field: "lines[\(i)].a")
            try checkPoint(line.b, field: "lines[\(i)].b")
            if line.a == line.b {
                throw .invalidGeometry(field: "lines[\(i)].b", reason: "a line needs two different end points")
            }
        }
        for (i, zone) in zones.enumerated() {
            try checkName(zone.name, field: "zones[\(i)].name")
            if zone.polygon.count < 3 {
                throw .invalidGeometry(field: "zones[\(i)].polygon", reason: "a polygon needs at least 3 points")
            }
            for (j, p) in zone.polygon.enumerated() {
                try checkPoint(p, field: "zones[\(i)].polygon[\(j)]")
            }
        }
    }
}
