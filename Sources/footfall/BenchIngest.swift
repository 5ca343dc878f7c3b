import ArgumentParser
import CountingCore
import FootfallApp
import FootfallSupport
import Foundation
import Logging
import Storage
import StoragePostgres

struct BenchIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Crossing events into PostgreSQL: the batched idempotent path against plain COPY and one INSERT per row.",
        discussion: """
            Needs a database it may migrate (FOOTFALL_DATABASE_URL, as its owner): an empty one for \
            figures comparable between runs (a later run in the same database works, its rows under ids of \
            their own, but writes into a larger table). Stores --rows \
            crossings in batches of --batch (COPY for large batches, falling back to INSERT), and as many \
            more through INSERT only; COPYs the same rows in the same batches, checking nothing, \
            into a table shaped as crossing_events and into a plain one with its indexes (the ceilings); stores --naive-rows one \
            statement at a time (the floor); then stores the first batch again to show that duplicates \
            are skipped. Prints rows per second and the ratios, all from one process and one server.
            """)

    @Option(help: "Crossings stored through the batched path.")
    var rows = 200_000

    @Option(help: "Crossings per batch.")
    var batch = 5_000

    @Option(help: "Batches written at once, each on its own connection.")
    var concurrency = 2

    @Option(help: "Crossings stored one statement at a time.")
    var naiveRows = 3_000

    func validate() throws {
        guard rows >= 1, batch >= 1, naiveRows >= 1, concurrency >= 1 else {
            throw ValidationError("--rows, --batch, --naive-rows and --concurrency must be at least 1")
        }
    }

    func run() async throws {
        let (rows, batch, naiveRows, concurrency) = (self.rows, self.batch, self.naiveRows, max(1, self.concurrency))
        try await BenchDatabase.withMigratedStore { store in
            // Ids of this run's own, so a database an earlier run wrote to takes these rows as new.
            let run = UUID().uuidString.prefix(8).lowercased()
            try await store.saveCamera(Camera(
                id: "bench-\(run)", name: "Bench", source: "bench.mp4",
                geometry: Geometry(lines: [CountingLine(name: "door", a: Point(x: 0, y: 0), b: Point(x: 1, y: 0))])))
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            func crossing(_ n: Int, prefix: String) -> CrossingRecord {
                CrossingRecord(id: "\(run)-\(prefix)-\(n)", cameraID: "bench-\(run)", line: "door",
                               direction: n % 2 == 0 ? .in : .out,
                               trackID: n, time: start.addingTimeInterval(Double(n) * 0.01))
            }
            let clock = ContinuousClock()
            func batches(_ prefix: String) -> [[CrossingRecord]] {
                stride(from: 0, to: rows, by: batch).map { first in
                    (first..<min(rows, first + batch)).map { crossing($0, prefix: prefix) }
                }
            }
            /// Writes `work` `concurrency` batches at a time: the rows stored and the time taken.
            func write(_ work: [[CrossingRecord]], _ one: @escaping @Sendable ([CrossingRecord]) async throws -> Int)
                async throws -> (rows: Int, time: Duration)
            {
                var stored = 0
                let time = try await clock.measure {
                    try await withThrowingTaskGroup(of: Int.self) { writers in
                        var next = 0
                        for _ in 0..<min(concurrency, work.count) {
                            let batch = work[next]
                            next += 1
                            writers.addTask { try await one(batch) }
                        }
                        while let count = try await writers.next() {
                            stored += count
                            if next < work.count {
                                let batch = work[next]
                                next += 1
                                writers.addTask { try await one(batch) }
                            }
                        }
                    }
                }
                return (stored, time)
            }
            // The store's path (COPY for batches this large), then the INSERT it falls back to,
            // on rows with other ids at the same times.
            let (stored, batched) = try await write(batches("b")) { try await store.insertCrossings($0) }
            let (insertStored, inserted) = try await write(batches("i")) { try await store.insertCrossingsWithoutCopy($0) }
            // The ceilings, on the same rows in the same batches: COPY into a table shaped as
            // crossing_events, and into a plain one with its columns and indexes, checking nothing.
            try await store.createCopyBaselines()
            let shapedCopy = try await write(batches("b")) { try await store.copyCrossingsIntoBaseline($0, shaped: true); return $0.count }.time
            let plainCopy = try await write(batches("b")) { try await store.copyCrossingsIntoBaseline($0, shaped: false); return $0.count }.time
            var naiveStored = 0
            let naive = try await clock.measure {
                naiveStored = try await store.insertCrossingsOneByOne((0..<naiveRows).map { crossing($0, prefix: "n") })
            }
            let again = try await store.insertCrossings((0..<min(rows, batch)).map { crossing($0, prefix: "b") })
            func perSecond(_ count: Int, _ duration: Duration) -> Double {
                Double(count) / (duration.inSeconds)
            }
            let fast = perSecond(stored, batched), slow = perSecond(naiveStored, naive)
            let insertRate = perSecond(insertStored, inserted)
            let shapedRate = perSecond(rows, shapedCopy), plainRate = perSecond(rows, plainCopy)
            print(String(format: "batched (%d per batch, %d at once): %d rows, %.0f rows/s (%d batches by COPY)",
                         batch, concurrency, stored, fast, store.crossingBatchesCopied))
            print(String(format: "the same path with INSERT only: %d rows, %.0f rows/s; ×%.2f of COPY shaped",
                         insertStored, insertRate, insertRate / shapedRate))
            print(String(format: "COPY into a table shaped as crossing_events (partitioned, keys, indexes, foreign key): %.0f rows/s; idempotent path ×%.2f",
                         shapedRate, fast / shapedRate))
            print(String(format: "COPY into a plain table with its columns and indexes: %.0f rows/s; idempotent path ×%.2f",
                         plainRate, fast / plainRate))
            print(String(format: "one INSERT per row:     %d rows, %.0f rows/s", naiveStored, slow))
            print(String(format: "ratio: %.1f×; a repeated batch of %d stored %d new rows", fast / slow, min(rows, batch), again))
        }
    }
}
