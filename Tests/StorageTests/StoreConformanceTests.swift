import CountingCore
import Foundation
import Storage
import StoragePostgres
import StorageSQLite
import StorageTestSupport
import Testing

/// One suite, every backend: what any `FootfallStore` must do.
struct StoreConformanceTests {
    typealias Backend = StoreBackend

    static let minute0 = Date(timeIntervalSince1970: 1_800_000_000)  // a whole minute (and hour) in UTC

    let camera = Camera(
        id: "door-1", name: "Front door", source: "rtsp://user:secret@camera/stream",
        geometry: Geometry(
            lines: [CountingLine(name: "door", a: Point(x: 0, y: 0), b: Point(x: 10, y: 0))],
            zones: [Zone(name: "lobby", polygon: [Point(x: 0, y: 0), Point(x: 5, y: 0), Point(x: 0, y: 5)])]))

    func crossing(_ id: String, camera: String = "door-1", seconds: Double = 0, direction: CrossingDirection = .in,
                  version: Int = 1) -> CrossingRecord {
        CrossingRecord(id: id, cameraID: camera, line: "door", direction: direction, trackID: 7,
                       time: Self.minute0.addingTimeInterval(seconds), geometryVersion: version)
    }

    /// A second tenant, for the tests of tenant views.
    static let tenantB = Tenant(id: UUID(uuidString: "bbbbbbbb-0000-4000-8000-000000000002")!, name: "Second")

    /// `minute0` plus whole seconds (every backend keeps at least milliseconds).
    static func at(_ seconds: Double) -> Date { minute0.addingTimeInterval(seconds) }

    func audit(_ action: String, _ target: String, at seconds: Double = 0, by user: User? = nil) -> AuditEntry {
        AuditEntry(time: Self.at(seconds), userID: user?.id, username: user?.username ?? "system",
                   address: user == nil ? nil : "192.0.2.7", action: action, target: target,
                   before: nil, after: "{\"target\":\"\(target)\"}")
    }

    /// A camera's geometry with its door line moved `x` to the right.
    func moved(_ x: Double) -> Geometry {
        var geometry = camera.geometry
        geometry.lines[0].b = Point(x: 10 + x, y: 0)
        return geometry
    }

    func user(_ username: String, role: Role = .operator, tenant: UUID = Tenant.defaultID) -> User {
        User(tenantID: tenant, username: username, passwordHash: "$2b$12$hash-of-\(username)", role: role, created: Self.at(0))
    }

    /// A distinct SHA-256-sized token hash.
    func tokenHash(_ n: UInt8) -> [UInt8] { Array(repeating: n, count: 32) }

    func credential(_ user: User, _ kind: Credential.Kind = .session, hash n: UInt8, created seconds: Double = 0,
                    expires: Double? = 3_600, name: String? = nil) -> Credential {
        Credential(tenantID: user.tenantID, userID: user.id, kind: kind, name: name, tokenHash: tokenHash(n),
                   created: Self.at(seconds), expires: expires.map(Self.at))
    }

    @Test(arguments: Backend.available)
    func camerasRoundTrip(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            var renamed = camera
            renamed.name = "Front door 'north'; DROP TABLE cameras; --"
            try await store.saveCamera(renamed)
            try await store.saveCamera(Camera(id: "a", name: "A", source: "file.mp4", geometry: Geometry()))
            let ids = try await store.cameras().map(\.id)
            #expect(ids == ["a", "door-1"])
            let read = try await store.camera(id: "door-1")
            #expect(read == renamed)
            let missing = try await store.camera(id: "nope")
            #expect(missing == nil)
        }
    }

    @Test(arguments: Backend.available)
    func invalidCamerasAreRejectedWithTheFieldNamed(backend: Backend) async throws {
        try await backend.withStore { store in
            var bad = camera
            bad.id = "has space"
            await #expect(throws: StorageError.invalidInput(field: "camera.id", reason: "use 1 to 64 letters, digits, '-' or '_'")) {
                try await store.saveCamera(bad)
            }
            bad = camera
            bad.name = String(repeating: "x", count: 10_000)
            await #expect(throws: StorageError.invalidInput(field: "camera.name", reason: "a name must have 1 to 200 characters")) {
                try await store.saveCamera(bad)
            }
            bad = camera
            bad.geometry.lines[0].b = bad.geometry.lines[0].a
            await #expect(throws: StorageError.invalidInput(field: "camera.geometry.lines[0].b", reason: "a line needs two different end points")) {
                try await store.saveCamera(bad)
            }
            let stored = try await store.cameras()
            #expect(stored.isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func duplicateCrossingsCountOnceInOneBatchAndAcrossBatches(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            let firstBatch = try await store.insertCrossings([crossing("a", seconds: 1), crossing("b", seconds: 2), crossing("a", seconds: 1)])
            #expect(firstBatch == 2)
            let secondBatch = try await store.insertCrossings([crossing("b", seconds: 2), crossing("c", seconds: 3, direction: .out)])
            #expect(secondBatch == 1)
            let stored = try await store.crossings(cameraID: "door-1", from: Self.minute0, to: Self.minute0.addingTimeInterval(60))
            #expect(stored.map(\.id) == ["a", "b", "c"])
            #expect(stored.last == crossing("c", seconds: 3, direction: .out))
        }
    }

    @Test(arguments: Backend.available)
    func crossingTotalsCountEachLineAndDirectionInTheWindow(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            var side = crossing("s", seconds: 4)
            side.line = "side"
            try await store.insertCrossings([
                crossing("a", seconds: 1), crossing("b", seconds: 2), crossing("a", seconds: 1),
                crossing("c", seconds: 3, direction: .out), side, crossing("late", seconds: 90),
            ])
            let totals = try await store.crossingTotals(cameraID: "door-1", from: Self.minute0, to: Self.minute0.addingTimeInterval(60))
            #expect(totals == ["door": CrossingTotals(countIn: 2, countOut: 1), "side": CrossingTotals(countIn: 1, countOut: 0)])
            let none = try await store.crossingTotals(cameraID: "door-1", from: Self.minute0.addingTimeInterval(-60), to: Self.minute0)
            #expect(none.isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func aBadCrossingRejectsTheWholeBatch(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            await #expect(throws: StorageError.invalidInput(field: "crossings[1].cameraID", reason: "no camera with id \"ghost\"")) {
                try await store.insertCrossings([crossing("a"), crossing("b", camera: "ghost")])
            }
            var unnamed = crossing("c")
            unnamed.line = ""
            await #expect(throws: StorageError.invalidInput(field: "crossings[1].line", reason: "must have 1 to 100 characters")) {
                try await store.insertCrossings([crossing("d"), unnamed])
            }
            let stored = try await store.crossings(cameraID: "door-1", from: .distantPast, to: .distantFuture)
            #expect(stored.isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func resultsOfTheSameMinuteMergeAndBucketsGroup(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            let m0 = Self.minute0
            try await store.addCountingResults([
                CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: m0, countIn: 2, countOut: 1),
                CountingResult(cameraID: "door-1", kind: .zone, name: "lobby", minute: m0, occupancyMin: 1, occupancyMax: 3,
                               occupancySum: 20, occupancySamples: 10),
                CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: m0.addingTimeInterval(120), countIn: 5),
            ])
            // The rest of minute 0, written later (a restart, say).
            try await store.addCountingResults([
                CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: m0, countIn: 1, countOut: 1),
                CountingResult(cameraID: "door-1", kind: .zone, name: "lobby", minute: m0, occupancyMin: 0, occupancyMax: 2,
                               occupancySum: 10, occupancySamples: 10),
            ])
            let minutes = try await store.countSeries(cameraID: "door-1", from: m0, to: m0.addingTimeInterval(3600), bucket: .minute)
            #expect(minutes.lines["door"] == [
                .init(start: m0, countIn: 3, countOut: 2),
                .init(start: m0.addingTimeInterval(120), countIn: 5, countOut: 0),
            ])
            #expect(minutes.zones["lobby"] == [.init(start: m0, minimum: 0, maximum: 3, mean: 1.5)])

            let hours = try await store.countSeries(cameraID: "door-1", from: m0, to: m0.addingTimeInterval(3600), bucket: .hour)
            #expect(hours.lines["door"] == [.init(start: m0, countIn: 8, countOut: 2)])

            let later = try await store.countSeries(cameraID: "door-1", from: m0.addingTimeInterval(60), to: m0.addingTimeInterval(3600), bucket: .minute)
            #expect(later.lines["door"] == [.init(start: m0.addingTimeInterval(120), countIn: 5, countOut: 0)])
            #expect(later.zones["lobby"] == nil)
        }
    }

    @Test(arguments: Backend.available)
    func aRunWritingAMinuteAgainAddsOnlyWhatGrew(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            let m0 = Self.minute0
            func door(_ countIn: Int, _ countOut: Int, run: String?) -> CountingResult {
                CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: m0, countIn: countIn, countOut: countOut, runID: run)
            }
            func lobby(_ samples: Int, _ sum: Double, _ low: Int, _ high: Int, visits: [Double], run: String?) -> CountingResult {
                CountingResult(cameraID: "door-1", kind: .zone, name: "lobby", minute: m0, occupancyMin: low, occupancyMax: high,
                               occupancySum: sum, occupancySamples: samples, dwellSeconds: visits, runID: run)
            }
            // Run 7 writes the first part of the minute when it stops; its next holder, counting on
            // from the checkpoint, writes the whole minute under the same run; a worker that died
            // after storing it had the same minute written again; another run adds its own part.
            try await store.addCountingResults([door(2, 1, run: "7"), lobby(10, 20, 1, 3, visits: [4], run: "7")])
            try await store.addCountingResults([door(5, 1, run: "7"), lobby(30, 45, 0, 3, visits: [4, 9.5], run: "7")])
            try await store.addCountingResults([door(5, 1, run: "7"), lobby(30, 45, 0, 3, visits: [4, 9.5], run: "7")])
            try await store.addCountingResults([door(3, 0, run: "7"), lobby(20, 40, 1, 3, visits: [4], run: "7")])
            try await store.addCountingResults([door(1, 2, run: "8"), lobby(10, 10, 1, 1, visits: [2], run: "8"), door(1, 0, run: nil)])
            let minutes = try await store.countSeries(cameraID: "door-1", from: m0, to: m0.addingTimeInterval(60), bucket: .minute)
            #expect(minutes.lines["door"] == [.init(start: m0, countIn: 7, countOut: 3)])
            #expect(minutes.zones["lobby"] == [.init(start: m0, minimum: 0, maximum: 3, mean: 55.0 / 40)])
            let visits = try await store.dwellSamples(cameraID: "door-1", zone: "lobby", from: m0, to: m0.addingTimeInterval(60))
            #expect(visits.map(\.seconds).sorted() == [2, 4, 9.5])
        }
    }

    @Test(arguments: Backend.available)
    func dayBucketsStartAtUTCMidnight(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            let midnight = Date(timeIntervalSince1970: TimeInterval(1_800_000_000 - 1_800_000_000 % 86_400))
            try await store.addCountingResults([
                CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: midnight.addingTimeInterval(-60), countIn: 1),
                CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: midnight, countIn: 2),
                CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: midnight.addingTimeInterval(86_340), countIn: 4),
            ])
            let days = try await store.countSeries(cameraID: "door-1", from: midnight.addingTimeInterval(-86_400),
                                                   to: midnight.addingTimeInterval(86_400), bucket: .day)
            #expect(days.lines["door"] == [
                .init(start: midnight.addingTimeInterval(-86_400), countIn: 1, countOut: 0),
                .init(start: midnight, countIn: 6, countOut: 0),
            ])
        }
    }

    @Test(arguments: Backend.available)
    func resultsForAnUnknownCameraAreRejected(backend: Backend) async throws {
        try await backend.withStore { store in
            await #expect(throws: StorageError.invalidInput(field: "results[0].cameraID", reason: "no camera with id \"ghost\"")) {
                try await store.addCountingResults([CountingResult(cameraID: "ghost", kind: .line, name: "door", minute: Self.minute0)])
            }
            await #expect(throws: StorageError.invalidInput(field: "result.minute", reason: "must be the start of a minute")) {
                try await store.addCountingResults([CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: Self.minute0.addingTimeInterval(1))])
            }
        }
    }

    @Test(arguments: Backend.available)
    func cameraEventsAreKeptNewestFirstWithLongReasonsCut(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            let statuses: [CameraStatus] = [.connecting, .online, .stalled, .connecting, .online]
            for (i, status) in statuses.enumerated() {
                try await store.insertCameraEvent(CameraEvent(
                    cameraID: "door-1", time: Self.minute0.addingTimeInterval(Double(i)), status: status,
                    reason: status == .stalled ? "no frame for 15 s" : nil))
            }
            try await store.insertCameraEvent(CameraEvent(
                cameraID: "door-1", time: Self.minute0.addingTimeInterval(10), status: .failed,
                reason: String(repeating: "x", count: 5_000)))
            let recent = try await store.cameraEvents(cameraID: "door-1", from: Self.minute0,
                                                      to: Self.minute0.addingTimeInterval(60), limit: 4)
            #expect(recent.map(\.status) == [.failed, .online, .connecting, .stalled])
            #expect(recent[0].reason?.count == CameraEvent.maximumReasonLength)
            #expect(recent[3].reason == "no frame for 15 s")
            #expect(recent[1].time == Self.minute0.addingTimeInterval(4))
            let window = try await store.cameraEvents(cameraID: "door-1", from: Self.minute0.addingTimeInterval(1),
                                                      to: Self.minute0.addingTimeInterval(3), limit: 100)
            #expect(window.map(\.status) == [.stalled, .online])
            await #expect(throws: StorageError.self) {
                try await store.insertCameraEvent(CameraEvent(cameraID: "ghost", time: Self.minute0, status: .online))
            }
        }
    }
}
