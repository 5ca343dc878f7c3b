import Foundation
import FootfallApp
import Testing

struct ManualCountsFileTests {
    func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-truth-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func file(lines: String) -> String {
        #"{"video":"v.avi","method":"by eye","zones":[],"lines":["# + lines + "]}"
    }

    @Test func theDemoFixtureLoads() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/vtest-eye-counts.json")
        let counts = try ManualCountsFile.load(path: fixture.path)
        #expect(counts.lines.map(\.name) == ["walkway", "plaza-south"])
    }

    @Test func aBadLineIsRefusedAndNamedByItsPlaceInTheFile() throws {
        let good = #"{"name":"door","a":[1,2],"b":[3,4],"in":1,"out":0}"#
        // A point of one number once stopped the process (an index out of range).
        let short = try write(file(lines: good + #",{"name":"gate","a":[5],"b":[6,7],"in":0,"out":0}"#))
        #expect(throws: ConfigurationError.invalidValue(key: "truth", source: short,
                                                        reason: "lines[1].a: a point is two numbers, [x, y]")) {
            try ManualCountsFile.load(path: short)
        }
        let same = try write(file(lines: good + #",{"name":"gate","a":[5,6],"b":[5,6],"in":0,"out":0}"#))
        #expect(throws: ConfigurationError.invalidValue(key: "truth", source: same,
                                                        reason: "invalid geometry: lines[1].b: a line needs two different end points")) {
            try ManualCountsFile.load(path: same)
        }
        #expect(try ManualCountsFile.load(path: try write(file(lines: good))).lines.count == 1)
    }
}
