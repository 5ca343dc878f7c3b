import Foundation
import Storage
import StorageTestSupport
import Testing

/// Camera fences on every backend: crossings counted by a worker after its lease passed to
/// another are refused, and counted apart from duplicates; crossings it counted before,
/// delivered late, are kept.
extension StoreConformanceTests {
    func leased(_ id: String, seconds: Double, token: Int64?) -> CrossingRecord {
        var record = crossing(id, seconds: seconds)
        record.leaseToken = token
        return record
    }

    @Test(arguments: Backend.available)
    func aStaleLeasesCrossingsAreRefusedFromTheHandOver(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            // Worker A takes the camera at 0 s under token 5 and counts at 1 s.
            #expect(try await store.recordLease(cameraID: "door-1", token: 5, acquiredAt: Self.at(0)))
            #expect(try await store.insertCrossings([leased("a1", seconds: 1, token: 5)]) == 1)
            // A freezes; worker B takes the camera at 10 s under token 6.
            #expect(try await store.recordLease(cameraID: "door-1", token: 6, acquiredAt: Self.at(10)))
            // A wakes: what it counted before 10 s is kept; what it counted from 10 s is refused.
            // In one batch with B's crossing, which is kept.
            let batch = [leased("a2", seconds: 5, token: 5), leased("a3", seconds: 10, token: 5),
                         leased("a4", seconds: 12, token: 5), leased("b1", seconds: 12, token: 6)]
            #expect(try await store.storeCrossings(batch) == StoredCrossings(added: 2, fenced: 2))
            // A worker frozen past its lease wakes with its stream behind the wall clock: a crossing
            // it counts at 15 s happened at 8 s in its stream. The fence judges when it was counted.
            var frozen = leased("a6", seconds: 8, token: 5)
            frozen.countedAt = Self.at(15)
            var late = leased("a7", seconds: 8, token: 5)
            late.countedAt = Self.at(9)
            #expect(try await store.storeCrossings([frozen, late]) == StoredCrossings(added: 1, fenced: 1))
            // Crossings without a token (pushed by a camera, or an embedded run) are not fenced.
            #expect(try await store.storeCrossings([leased("p1", seconds: 13, token: nil)]) == StoredCrossings(added: 1, fenced: 0))
            // An older lease recorded late changes nothing, and says so: its holder must stop.
            #expect(try await store.recordLease(cameraID: "door-1", token: 4, acquiredAt: Self.at(20)) == false)
            #expect(try await store.recordLease(cameraID: "door-1", token: 6, acquiredAt: Self.at(20)), "the same lease again")
            #expect(try await store.storeCrossings([leased("a5", seconds: 14, token: 5)]) == StoredCrossings(added: 0, fenced: 1))
            // Sent again, a stored crossing is neither new nor fenced.
            #expect(try await store.storeCrossings([leased("a2", seconds: 5, token: 5), leased("b1", seconds: 12, token: 6)])
                    == StoredCrossings(added: 0, fenced: 0))
            #expect(try await store.insertCrossings([leased("b2", seconds: 21, token: 6)]) == 1)
            let stored = try await store.crossings(cameraID: "door-1", from: Self.at(0), to: Self.at(60))
            #expect(stored.map(\.id) == ["a1", "a2", "a7", "b1", "p1", "b2"])
            #expect(stored.allSatisfy { $0.leaseToken == nil && $0.countedAt == nil }, "tokens and counting times are not stored")
        }
    }

    @Test(arguments: Backend.available)
    func aLeaseOfAnUnknownCameraIsRefused(backend: Backend) async throws {
        try await backend.withStore { store in
            await #expect(throws: StorageError.invalidInput(field: "cameraID", reason: "no camera with id \"ghost\"")) {
                try await store.recordLease(cameraID: "ghost", token: 1, acquiredAt: Self.at(0))
            }
        }
    }
}
