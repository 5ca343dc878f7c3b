/// A directed counting line from `a` to `b`.
///
/// For a reference point P, `side(P) = sign((Bx−Ax)(Py−Ay) − (By−Ay)(Px−Ax))`.
/// A track whose point moves from side −1 to side +1 across the segment counts one "in";
/// from +1 to −1 one "out". Crossing the line's extension beyond `a` or `b` never counts.
public struct CountingLine: Hashable, Sendable, Codable {
    public var name: String
    public var a: Point
    public var b: Point

    public init(name: String, a: Point, b: Point) {
        self.name = name
        self.a = a
        self.b = b
    }

    /// −1, 0 or +1: which side of the line `p` is on (0 exactly on the infinite line).
    public func side(of p: Point) -> Int {
        let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
        return cross > 0 ? 1 : (cross < 0 ? -1 : 0)
    }

    /// Whether the move from `p` to `q` touches the drawn segment A–B (ends included).
    public func segmentIntersects(from p: Point, to q: Point) -> Bool {
        func orientation(_ o: Point, _ u: Point, _ v: Point) -> Int {
            let cross = (u.x - o.x) * (v.y - o.y) - (u.y - o.y) * (v.x - o.x)
            return cross > 0 ? 1 : (cross < 0 ? -1 : 0)
        }
        func onSegment(_ o: Point, _ u: Point, _ v: Point) -> Bool {
            min(o.x, u.x) <= v.x && v.x <= max(o.x, u.x) && min(o.y, u.y) <= v.y && v.y <= max(o.y, u.y)
        }
        let o1 = orientation(a, b, p)
        let o2 = orientation(a, b, q)
        let o3 = orientation(p, q, a)
        let o4 = orientation(p, q, b)
        if o1 != o2 && o3 != o4 { return true }
        if o1 == 0 && onSegment(a, b, p) { return true }
        if o2 == 0 && onSegment(a, b, q) { return true }
        if o3 == 0 && onSegment(p, q, a) { return true }
        if o4 == 0 && onSegment(p, q, b) { return true }
        return false
    }
}
