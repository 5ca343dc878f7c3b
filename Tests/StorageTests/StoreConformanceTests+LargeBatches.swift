import CountingCore
import Foundation
import Storage
import StorageTestSupport
import Testing

/// A large batch (as the ingest consumer sends after a backlog) stores exactly what the same
/// crossings sent a few at a time would: duplicates skipped across both ways in, fenced
/// crossings refused, ids and names with tabs, newlines and backslashes kept, and a time sent
/// both ways seen as the same (the duplicate key holds it).
extension StoreConformanceTests {
    @Test(arguments: Backend.available)
    func aLargeBatchStoresWhatSmallOnesWould(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            #expect(try await store.recordLease(cameraID: "door-1", token: 5, acquiredAt: Self.at(100)))
            // Times with microseconds that a float rounds differently in each direction.
            func record(_ n: Int) -> CrossingRecord {
                var record = crossing(n % 3 == 0 ? "x\t\(n)\\" : "x-\(n)", seconds: Double(n) * 0.123457 + 1e-6 / 3,
                                      direction: n % 2 == 0 ? .in : .out)
                if n % 3 == 0 { record.line = "side\ndoor\r\\" }
                // Every fifth crossing of the door was counted under an older lease after the new one began.
                if n % 3 != 0 && n % 5 == 0 { record.leaseToken = 4; record.countedAt = Self.at(101) }
                return record
            }
            let all = (0..<1_200).map(record)
            // The first few arrive in a small batch, as a live camera sends them.
            #expect(try await store.insertCrossings(Array(all.prefix(30))) == all.prefix(30).filter { !isFenced($0) }.count)
            let inserted = try await store.storeCrossings(all)
            #expect(inserted == StoredCrossings(added: all.dropFirst(30).filter { !isFenced($0) }.count,
                                                fenced: all.filter(isFenced).count))
            #expect(try await store.storeCrossings(all) == StoredCrossings(added: 0, fenced: all.filter(isFenced).count),
                    "all of them again: nothing new")
            // A large batch of new crossings only (PostgreSQL stores it with COPY).
            let more = (1_200..<2_400).map(record)
            #expect(try await store.storeCrossings(more) == StoredCrossings(added: more.filter { !isFenced($0) }.count,
                                                                           fenced: more.filter(isFenced).count))
            #expect(try await store.insertCrossings(Array(more.suffix(100))) == 0)
            let stored = try await store.crossings(cameraID: "door-1", from: Self.at(0), to: Self.at(1_000))
            let expected = (all + more).filter { !isFenced($0) }
            #expect(stored.count == expected.count)
            let byID = Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) })
            for crossing in expected {
                let found = try #require(byID[crossing.id], "\(crossing.id) is stored")
                #expect(found.line == crossing.line && found.cameraID == crossing.cameraID && found.direction == crossing.direction)
                // To the millisecond: SQLite keeps milliseconds, the others microseconds.
                #expect(abs(found.time.timeIntervalSince(crossing.time)) < 1e-3, "\(crossing.id) keeps its time")
            }
        }
    }

    private func isFenced(_ crossing: CrossingRecord) -> Bool {
        crossing.leaseToken == 4
    }
}
