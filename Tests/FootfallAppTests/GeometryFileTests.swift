import CountingCore
import Foundation
import FootfallApp
import Testing

struct GeometryFileTests {
    func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-geometry-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func theDemoFixtureMatchesTheDemoCamera() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/vtest-geometry.json")
        #expect(try GeometryFile.load(path: fixture.path) == DemoCamera.geometry)
    }

    @Test func errorsNameThePlaceInTheFile() throws {
        let missingB = try write(#"{"lines":[{"name":"door","a":[1,2]}]}"#)
        #expect {
            try GeometryFile.load(path: missingB)
        } throws: { error in
            "\(error)".contains("lines[0]") && "\(error)".contains("\"b\"")
        }
        let threeNumbers = try write(#"{"lines":[{"name":"door","a":[1,2,3],"b":[4,5]}]}"#)
        #expect {
            try GeometryFile.load(path: threeNumbers)
        } throws: { error in
            "\(error)".contains("lines[0].a")
        }
        let degenerate = try write(#"{"zones":[{"name":"z","polygon":[[0,0],[1,1]]}]}"#)
        #expect(throws: ConfigurationError.invalidValue(key: "lines", source: degenerate,
                                                        reason: "invalid geometry: zones[0].polygon: a polygon needs at least 3 points")) {
            try GeometryFile.load(path: degenerate)
        }
    }
}
