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

    /// Lines a camera may have at most.
    public static let maximumLines = 50
    /// Zones a camera may have at most.
    public static let maximumZones = 50
    /// Corners a zone's polygon may have at most.
    public static let maximumPolygonPoints = 100

    /// Checks names and shapes; the error names the first offending field. Lines need two
    /// different end points; zones need a simple polygon (no edge crossing another) of 3 to
    /// `maximumPolygonPoints` corners; names are unique; with `frame`, every point lies inside it.
    public func validate(frame: (width: Double, height: Double)? = nil) throws(CountingCoreError) {
        if lines.count > Self.maximumLines {
            throw .invalidGeometry(field: "lines", reason: "at most \(Self.maximumLines) lines")
        }
        if zones.count > Self.maximumZones {
            throw .invalidGeometry(field: "zones", reason: "at most \(Self.maximumZones) zones")
        }
        var names = Set<String>()
        func checkName(_ name: String, field: String) throws(CountingCoreError) {
            if name.isEmpty || name.count > 100 {
                throw .invalidGeometry(field: field, reason: "a name must have 1 to 100 characters")
            }
            if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw .invalidGeometry(field: field, reason: "a name must not contain control characters")
            }
            if !names.insert(name).inserted {
                throw .invalidGeometry(field: field, reason: "the name \"\(name)\" is used twice")
            }
        }
        func checkPoint(_ p: Point, field: String) throws(CountingCoreError) {
            if !p.x.isFinite || !p.y.isFinite {
                throw .invalidGeometry(field: field, reason: "coordinates must be finite numbers")
            }
            if let frame, p.x < 0 || p.y < 0 || p.x > frame.width || p.y > frame.height {
                throw .invalidGeometry(field: field, reason: "the point lies outside the \(Int(frame.width))×\(Int(frame.height)) frame")
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
            if zone.polygon.count > Self.maximumPolygonPoints {
                throw .invalidGeometry(field: "zones[\(i)].polygon",
                                       reason: "a polygon may have at most \(Self.maximumPolygonPoints) points")
            }
            for (j, p) in zone.polygon.enumerated() {
                try checkPoint(p, field: "zones[\(i)].polygon[\(j)]")
            }
            if let (a, b) = Self.crossingEdges(zone.polygon) {
                throw .invalidGeometry(field: "zones[\(i)].polygon",
                                       reason: "edges \(a) and \(b) cross: a zone must be a simple polygon")
            }
            var entranceLines = Set<String>()
            for (j, entrance) in zone.entrances.enumerated() {
                guard lines.contains(where: { $0.name == entrance.line }) else {
                    throw .invalidGeometry(field: "zones[\(i)].entrances[\(j)].line",
                                           reason: "there is no line named \"\(entrance.line)\"")
                }
                guard entranceLines.insert(entrance.line).inserted else {
                    throw .invalidGeometry(field: "zones[\(i)].entrances[\(j)].line",
                                           reason: "the line \"\(entrance.line)\" is listed twice")
                }
            }
        }
    }

    /// The first two edges of a closed polygon that touch or cross, other than neighbours
    /// meeting at their shared corner; nil for a simple polygon. Edge k runs from corner k to k + 1.
    static func crossingEdges(_ polygon: [Point]) -> (Int, Int)? {
        let n = polygon.count
        for i in 0..<n {
            let a = polygon[i], b = polygon[(i + 1) % n]
            if a == b { return (i, i) }
            for j in (i + 1)..<n {
                // Neighbouring edges share a corner; that is not a crossing.
                if j == i + 1 || (i == 0 && j == n - 1) { continue }
                if segmentsTouch(a, b, polygon[j], polygon[(j + 1) % n]) { return (i, j) }
            }
        }
        return nil
    }

    private static func orientation(_ p: Point, _ q: Point, _ r: Point) -> Double {
        (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
    }

    private static func segmentsTouch(_ p1: Point, _ p2: Point, _ q1: Point, _ q2: Point) -> Bool {
        let d1 = orientation(q1, q2, p1), d2 = orientation(q1, q2, p2)
        let d3 = orientation(p1, p2, q1), d4 = orientation(p1, p2, q2)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
        func onSegment(_ p: Point, _ q: Point, _ r: Point) -> Bool {
            min(p.x, q.x) <= r.x && r.x <= max(p.x, q.x) && min(p.y, q.y) <= r.y && r.y <= max(p.y, q.y)
        }
        if d1 == 0 && onSegment(q1, q2, p1) { return true }
        if d2 == 0 && onSegment(q1, q2, p2) { return true }
        if d3 == 0 && onSegment(p1, p2, q1) { return true }
        if d4 == 0 && onSegment(p1, p2, q2) { return true }
        return false
    }
}
