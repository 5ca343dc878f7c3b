import Foundation
import CountingCore
import Testing

struct GeometryTests {
    @Test func boxReferencePointIsBottomCentre() {
        #expect(Box(x: 10, y: 20, width: 30, height: 40).bottomCenter == Point(x: 25, y: 60))
    }

    @Test func intersectionOverUnion() {
        let a = Box(x: 0, y: 0, width: 10, height: 10)
        #expect(a.iou(a) == 1)
        #expect(a.iou(Box(x: 20, y: 20, width: 10, height: 10)) == 0)
        #expect(abs(a.iou(Box(x: 5, y: 0, width: 10, height: 10)) - 50.0 / 150.0) < 1e-12)
    }

    @Test func validationNamesTheOffendingField() {
        let degenerate = Geometry(lines: [CountingLine(name: "door", a: Point(x: 1, y: 1), b: Point(x: 1, y: 1))])
        #expect(throws: CountingCoreError.invalidGeometry(field: "lines[0].b", reason: "a line needs two different end points")) {
            try degenerate.validate()
        }
        let duplicate = Geometry(
            lines: [CountingLine(name: "a", a: Point(x: 0, y: 0), b: Point(x: 1, y: 1))],
            zones: [Zone(name: "a", polygon: [Point(x: 0, y: 0), Point(x: 1, y: 0), Point(x: 0, y: 1)])])
        #expect(throws: CountingCoreError.invalidGeometry(field: "zones[0].name", reason: "the name \"a\" is used twice")) {
            try duplicate.validate()
        }
        let flat = Geometry(zones: [Zone(name: "z", polygon: [Point(x: 0, y: 0), Point(x: 1, y: 0)])])
        #expect(throws: CountingCoreError.invalidGeometry(field: "zones[0].polygon", reason: "a polygon needs at least 3 points")) {
            try flat.validate()
        }
        let infinite = Geometry(lines: [CountingLine(name: "x", a: Point(x: .infinity, y: 0), b: Point(x: 1, y: 1))])
        #expect(throws: CountingCoreError.invalidGeometry(field: "lines[0].a", reason: "coordinates must be finite numbers")) {
            try infinite.validate()
        }
    }

    @Test func zonesMustBeSimplePolygonsAndPointsInsideTheFrame() {
        let bowTie = Geometry(zones: [Zone(name: "z", polygon: [Point(x: 0, y: 0), Point(x: 10, y: 10),
                                                                 Point(x: 10, y: 0), Point(x: 0, y: 10)])])
        #expect(throws: CountingCoreError.invalidGeometry(field: "zones[0].polygon",
                                                          reason: "edges 0 and 2 cross: a zone must be a simple polygon")) {
            try bowTie.validate()
        }
        let square = Geometry(zones: [Zone(name: "z", polygon: [Point(x: 0, y: 0), Point(x: 10, y: 0),
                                                                 Point(x: 10, y: 10), Point(x: 0, y: 10)])])
        #expect(throws: Never.self) { try square.validate() }
        let concave = Geometry(zones: [Zone(name: "z", polygon: [Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 5, y: 5),
                                                                  Point(x: 10, y: 10), Point(x: 0, y: 10)])])
        #expect(throws: Never.self) { try concave.validate() }
        let repeated = Geometry(zones: [Zone(name: "z", polygon: [Point(x: 0, y: 0), Point(x: 0, y: 0), Point(x: 5, y: 5)])])
        #expect(throws: CountingCoreError.self) { try repeated.validate() }

        let outside = Geometry(lines: [CountingLine(name: "door", a: Point(x: 10, y: 10), b: Point(x: 800, y: 10))])
        #expect(throws: CountingCoreError.invalidGeometry(field: "lines[0].b", reason: "the point lies outside the 768×576 frame")) {
            try outside.validate(frame: (768, 576))
        }
        #expect(throws: Never.self) { try outside.validate() }
    }

    @Test func hugeGeometriesAreRefused() {
        let many = Geometry(lines: (0...Geometry.maximumLines).map {
            CountingLine(name: "l\($0)", a: Point(x: 0, y: Double($0)), b: Point(x: 1, y: Double($0)))
        })
        #expect(throws: CountingCoreError.invalidGeometry(field: "lines", reason: "at most 50 lines")) { try many.validate() }
        let circle = (0...Geometry.maximumPolygonPoints).map { k -> Point in
            let angle = Double(k) / Double(Geometry.maximumPolygonPoints + 1) * 2 * .pi
            return Point(x: 100 + 50 * cos(angle), y: 100 + 50 * sin(angle))
        }
        #expect(throws: CountingCoreError.invalidGeometry(field: "zones[0].polygon", reason: "a polygon may have at most 100 points")) {
            try Geometry(zones: [Zone(name: "round", polygon: circle)]).validate()
        }
    }
}
