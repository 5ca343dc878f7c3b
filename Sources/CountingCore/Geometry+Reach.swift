extension Geometry {
    /// Whether `point` lies within `reach` pixels of a line's drawn segment or of a zone's
    /// bounding box: where a person's identity decides a count.
    public func isWithin(_ reach: Double, of point: Point) -> Bool {
        for line in lines {
            let dx = line.b.x - line.a.x, dy = line.b.y - line.a.y
            let lengthSquared = dx * dx + dy * dy
            let t = lengthSquared > 0
                ? min(max(((point.x - line.a.x) * dx + (point.y - line.a.y) * dy) / lengthSquared, 0), 1) : 0
            let ex = line.a.x + t * dx - point.x, ey = line.a.y + t * dy - point.y
            if ex * ex + ey * ey <= reach * reach { return true }
        }
        for zone in zones where !zone.polygon.isEmpty {
            var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
            for corner in zone.polygon {
                minX = min(minX, corner.x); maxX = max(maxX, corner.x)
                minY = min(minY, corner.y); maxY = max(maxY, corner.y)
            }
            if point.x >= minX - reach, point.x <= maxX + reach, point.y >= minY - reach, point.y <= maxY + reach {
                return true
            }
        }
        return false
    }
}
