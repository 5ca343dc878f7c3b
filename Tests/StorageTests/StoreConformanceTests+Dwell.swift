import Foundation
import Storage
import StorageTestSupport
import Testing

/// Dwell times of zone visits, kept per minute, from any backend.
extension StoreConformanceTests {
    @Test(arguments: Backend.available)
    func dwellTimesOfAMinuteWrittenTwiceAreAllKept(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            try await store.addCountingResults([
                CountingResult(cameraID: "door-1", kind: .zone, name: "lobby", minute: Self.at(0), dwellSeconds: [12.5, 0.25]),
                CountingResult(cameraID: "door-1", kind: .zone, name: "till", minute: Self.at(0), dwellSeconds: [99]),
                CountingResult(cameraID: "door-1", kind: .zone, name: "lobby", minute: Self.at(120), dwellSeconds: [301.75]),
                CountingResult(cameraID: "door-1", kind: .zone, name: "lobby", minute: Self.at(180)),
            ])
            // A restart writes the same minute again: its visits join the first ones.
            try await store.addCountingResults([
                CountingResult(cameraID: "door-1", kind: .zone, name: "lobby", minute: Self.at(0), dwellSeconds: [7]),
            ])
            let samples = try await store.dwellSamples(cameraID: "door-1", zone: "lobby", from: Self.at(0), to: Self.at(240))
            #expect(samples.map(\.minute) == [Self.at(0), Self.at(0), Self.at(0), Self.at(120)])
            #expect(samples.filter { $0.minute == Self.at(0) }.map(\.seconds).sorted() == [0.25, 7, 12.5])
            #expect(samples.last?.seconds == 301.75)
            #expect(try await store.dwellSamples(cameraID: "door-1", zone: "lobby", from: Self.at(60), to: Self.at(240)).map(\.seconds)
                == [301.75])
            #expect(try await store.dwellSamples(cameraID: "door-1", zone: "till", from: Self.at(0), to: Self.at(240)).map(\.seconds) == [99])
        }
    }

    @Test(arguments: Backend.available)
    func impossibleDwellTimesAreRefusedWithTheFieldNamed(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            for bad in [[-1.0], [Double.nan], [8 * 86_400.0]] {
                await #expect(throws: StorageError.invalidInput(field: "result.dwellSeconds", reason: "each visit lasts 0 s to 7 days")) {
                    try await store.addCountingResults([
                        CountingResult(cameraID: "door-1", kind: .zone, name: "lobby", minute: Self.at(0), dwellSeconds: bad),
                    ])
                }
            }
            #expect(try await store.dwellSamples(cameraID: "door-1", zone: "lobby", from: Self.at(0), to: Self.at(60)).isEmpty)
        }
    }
}
