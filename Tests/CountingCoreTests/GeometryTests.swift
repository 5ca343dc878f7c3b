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
}
