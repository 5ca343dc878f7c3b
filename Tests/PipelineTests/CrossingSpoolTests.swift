import CountingCore
import Foundation
import Storage
import Testing
@testable import Pipeline

/// The crossing spool file: written before each delivery, emptied after, read back exactly.
struct CrossingSpoolTests {
    static func directory() -> String {
        NSTemporaryDirectory() + "footfall-spool-" + UUID().uuidString
    }

    static func crossing(_ n: Int, camera: String = "door") -> CrossingRecord {
        CrossingRecord(id: "\(camera)-\(n)", cameraID: camera, line: "entrance", direction: n % 2 == 0 ? .in : .out,
                       trackID: n, time: Date(timeIntervalSince1970: 1_800_000_000.123456 + Double(n)),
                       geometryVersion: 2, leaseToken: n % 2 == 0 ? 77 : nil,
                       countedAt: n % 2 == 0 ? Date(timeIntervalSince1970: 1_800_000_003.987654 + Double(n)) : nil)
    }

    @Test func whatIsWrittenIsReadBackExactlyAndEmptiedOnceDelivered() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var spool = try CrossingSpool(directory: directory, cameraID: "door", runID: "L5")
        try spool.write([Self.crossing(1), Self.crossing(2)])
        #expect(try CrossingSpool.read(spool.path) == [Self.crossing(1), Self.crossing(2)],
                "times, versions, tokens and counting times exact")
        // Appending only what is new keeps a write per frame small.
        try spool.write([Self.crossing(1), Self.crossing(2), Self.crossing(3)])
        #expect(try CrossingSpool.read(spool.path).map(\.id) == ["door-1", "door-2", "door-3"])
        // The outbox gave up the oldest: the file holds what is left.
        try spool.write([Self.crossing(3)])
        #expect(try CrossingSpool.read(spool.path).map(\.id) == ["door-3"])
        try spool.delivered()
        #expect(try CrossingSpool.read(spool.path).isEmpty)
        spool.close()
        #expect(!FileManager.default.fileExists(atPath: spool.path), "an empty spool is removed as it closes")
    }

    @Test func aSpoolClosedWithCrossingsStaysAndIsFoundByItsCamera() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var door = try CrossingSpool(directory: directory, cameraID: "door", runID: "L5")
        try door.write([Self.crossing(1)])
        door.close()
        var doorAgain = try CrossingSpool(directory: directory, cameraID: "door", runID: "L5")
        try doorAgain.write([Self.crossing(2)])
        doorAgain.close()
        var other = try CrossingSpool(directory: directory, cameraID: "door-2", runID: "L6")
        try other.write([Self.crossing(9, camera: "door-2")])
        other.close()
        #expect(CrossingSpool.files(in: directory).count == 3)
        let doors = CrossingSpool.files(in: directory, cameraID: "door")
        #expect(doors.count == 2, "a run restarted under the same id has its own file; another camera's are not its")
        #expect(Set(try doors.flatMap(CrossingSpool.read).map(\.id)) == ["door-1", "door-2"])
    }

    @Test func aLineCutShortByACrashIsSkipped() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var spool = try CrossingSpool(directory: directory, cameraID: "door", runID: "L5")
        try spool.write([Self.crossing(1)])
        spool.close()
        let handle = try #require(FileHandle(forWritingAtPath: spool.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"id":"door-2","camera":"do"#.utf8))
        try handle.close()
        #expect(try CrossingSpool.read(spool.path).map(\.id) == ["door-1"])
    }
}
