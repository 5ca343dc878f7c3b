import CountingCore
import FootfallTestSupport
import Foundation
import Logging
import Messaging
import NIOCore
import NIOPosix
import Storage
import Synchronization
import Testing
@testable import MessagingRabbitMQ

/// Crossings through a real RabbitMQ into the store: batches, acks after commit, retries,
/// dead letters and their replay, redelivery after a consumer dies, and a broker restart.
@Suite(.enabled(if: AMQPTestServer.available, "needs FOOTFALL_TEST_AMQP_URL (scripts/test.sh starts RabbitMQ)"))
struct CrossingIngestServiceTests {
    static let camera = Camera(id: "door", name: "Door", source: "external",
                               geometry: Geometry(lines: [CountingLine(name: "entrance", a: Point(x: 0, y: 0), b: Point(x: 0, y: 9))]))
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func crossings(_ count: Int, camera: String = "door", from first: Int = 0) -> [CrossingRecord] {
        (first..<(first + count)).map { i in
            CrossingRecord(id: "c\(i)", cameraID: camera, line: "entrance", direction: i % 3 == 0 ? .out : .in,
                           trackID: i, time: start.addingTimeInterval(Double(i) / 10))
        }
    }

    static func storedIDs(_ store: InMemoryStore, camera: String = "door") async throws -> [String] {
        try await store.crossings(cameraID: camera, from: start.addingTimeInterval(-1), to: start.addingTimeInterval(1e6)).map(\.id)
    }

    static let fastRetries = CrossingIngestService.Configuration(
        batchSize: 200, batchWindow: .milliseconds(10), maximumAttempts: 3, retryDelay: .milliseconds(100))

    /// Runs `body` with a client whose ingest consumer stores into `store`, the topology declared.
    static func withIngest(_ topology: FootfallTopology, store: any CountStore,
                           configuration: CrossingIngestService.Configuration = fastRetries,
                           recordFenced: @escaping @Sendable (Int) -> Void = { _ in },
                           _ body: @escaping @Sendable (AMQPClient) async throws -> Void) async throws {
        try await AMQPTestServer.withClient { client in
            let ingest = CrossingIngestService(client: client, store: store, topology: topology,
                                               configuration: configuration, logger: AMQPTestServer.logger,
                                               recordFenced: recordFenced)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await ingest.run() }
                defer { group.cancelAll() }
                try await client.declare(topology.declarations)
                try await body(client)
            }
        }
    }

    @Test func crossingsAreStoredOnceAndAcknowledged() async throws {
        let topology = FootfallTopology(namespace: AMQPTestServer.uniqueName("ingest"))
        let store = InMemoryStore()
        try await store.saveCamera(Self.camera)
        try await Self.withIngest(topology, store: store) { client in
            let sink = AMQPCrossingSink(client: client, topology: topology)
            let crossings = Self.crossings(1_000)
            for batch in stride(from: 0, to: crossings.count, by: 100) {
                try await sink.deliver(Array(crossings[batch..<(batch + 100)]))
            }
            // The same crossings again (a publisher retrying after a lost confirm): stored once.
            try await sink.deliver(Array(crossings[0..<100]))
            try await eventually("1000 crossings stored") { try await Self.storedIDs(store).count == 1_000 }
            try await eventually("queue drained") {
                try await client.messageCount(queue: topology.ingestQueue) == 0
            }
            #expect(try await Set(Self.storedIDs(store)) == Set(crossings.map(\.id)))
            #expect(try await client.messageCount(queue: topology.deadLetterQueue) == 0)
        }
    }

    @Test func crossingsTheFenceRefusesAreCountedApartFromDuplicates() async throws {
        let topology = FootfallTopology(namespace: AMQPTestServer.uniqueName("fenced"))
        let store = InMemoryStore()
        try await store.saveCamera(Self.camera)
        // Another worker took the camera under token 7 at the start.
        #expect(try await store.recordLease(cameraID: "door", token: 7, acquiredAt: Self.start))
        let fenced = Mutex(0)
        try await Self.withIngest(topology, store: store, recordFenced: { n in fenced.withLock { $0 += n } }) { client in
            let sink = AMQPCrossingSink(client: client, topology: topology)
            // A worker still holding token 6 counts three crossings after the hand-over; the
            // holder of token 7 counts two.
            func stamped(_ crossings: [CrossingRecord], token: Int64) -> [CrossingRecord] {
                crossings.map { crossing in
                    var crossing = crossing
                    crossing.leaseToken = token
                    return crossing
                }
            }
            let current = stamped(Self.crossings(2, from: 3), token: 7)
            try await sink.deliver(stamped(Self.crossings(3), token: 6) + current)
            try await eventually("the current holder's crossings stored") { try await Self.storedIDs(store) == ["c3", "c4"] }
            try await eventually("the fenced crossings counted") { fenced.withLock { $0 } == 3 }
            // The current holder's two again, with a new one in the same message: once the new
            // one is stored, the copies were seen, and they are duplicates, not fenced.
            try await sink.deliver(current + stamped(Self.crossings(1, from: 5), token: 7))
            try await eventually("the new crossing stored") { try await Self.storedIDs(store) == ["c3", "c4", "c5"] }
            #expect(fenced.withLock { $0 } == 3)
        }
    }

    @Test func poisonGoesToTheDeadLettersWithItsReasonAndReplayWorks() async throws {
        let topology = FootfallTopology(namespace: AMQPTestServer.uniqueName("poison"))
        let store = InMemoryStore()
        try await store.saveCamera(Self.camera)
        try await Self.withIngest(topology, store: store) { client in
            // Unreadable, a camera nobody added yet, and a good one, in one batch.
            try await client.publish(AMQPMessage(exchange: topology.events, routingKey: "camera.door.crossing",
                                                 body: #"{"id":"x","camera":"door""#))
            let good = Self.crossings(1)
            let stranger = Self.crossings(1, camera: "hall", from: 5)
            try await AMQPCrossingSink(client: client, topology: topology).deliver(good + stranger)
            try await eventually("two dead letters") {
                try await client.messageCount(queue: topology.deadLetterQueue) == 2
            }
            #expect(try await Self.storedIDs(store) == ["c0"])

            let deadLetters = DeadLetters(client: client, topology: topology)
            let entries = try await deadLetters.list(limit: 10)
            #expect(entries.count == 2)
            #expect(entries.contains { $0.reason.contains("invalid message") && $0.routingKey == "camera.door.crossing" })
            #expect(entries.contains { $0.messageID == "c5" && $0.reason.contains("no camera with id \"hall\"") })
            // Listing leaves them in the queue.
            #expect(try await client.messageCount(queue: topology.deadLetterQueue) == 2)

            // The cause is fixed: the camera exists now. Replay stores the crossing; the
            // unreadable message comes back to the dead letters, still unreadable.
            try await store.saveCamera(Camera(id: "hall", name: "Hall", source: "external", geometry: Self.camera.geometry))
            #expect(try await deadLetters.replay(limit: 10) == 2)
            try await eventually("the replayed crossing stored") {
                try await Self.storedIDs(store, camera: "hall") == ["c5"]
            }
            try await eventually("the unreadable one back") {
                try await client.messageCount(queue: topology.deadLetterQueue) == 1
            }
        }
    }

    /// A store that fails its next `failuresLeft` inserts, as a database that is down for a while.
    final class FlakyStore: CountStore {
        let inner: InMemoryStore
        let failuresLeft: Mutex<Int>
        let attempts = Mutex(0)

        init(inner: InMemoryStore, failing failures: Int) {
            self.inner = inner
            self.failuresLeft = Mutex(failures)
        }

        func recordLease(cameraID: String, token: Int64, acquiredAt: Date) async throws -> Bool {
            try await inner.recordLease(cameraID: cameraID, token: token, acquiredAt: acquiredAt)
        }

        func storeCrossings(_ crossings: [CrossingRecord]) async throws -> StoredCrossings {
            attempts.withLock { $0 += 1 }
            let fails = failuresLeft.withLock { left in
                defer { if left > 0 { left -= 1 } }
                return left > 0
            }
            if fails { throw StorageError.backend(operation: "store crossings", reason: "connection refused") }
            return try await inner.storeCrossings(crossings)
        }

        func crossings(cameraID: String, from: Date, to: Date) async throws -> [CrossingRecord] {
            try await inner.crossings(cameraID: cameraID, from: from, to: to)
        }

        func addCountingResults(_ results: [CountingResult]) async throws {
            try await inner.addCountingResults(results)
        }

        func countSeries(cameraID: String, from: Date, to: Date, bucket: BucketSize) async throws -> CountSeries {
            try await inner.countSeries(cameraID: cameraID, from: from, to: to, bucket: bucket)
        }

        func dwellSamples(cameraID: String, zone: String, from: Date, to: Date) async throws -> [DwellSample] {
            try await inner.dwellSamples(cameraID: cameraID, zone: zone, from: from, to: to)
        }
    }

    @Test func aStoreThatIsDownIsRetriedThenDeadLettered() async throws {
        let topology = FootfallTopology(namespace: AMQPTestServer.uniqueName("retry"))
        let inner = InMemoryStore()
        try await inner.saveCamera(Self.camera)
        // Down for the first attempt only: the message comes back after the store does, and is stored. Which
        // attempt fails is fixed here, not by when the test gets round to repairing the store.
        let store = FlakyStore(inner: inner, failing: 1)
        try await Self.withIngest(topology, store: store) { client in
            let sink = AMQPCrossingSink(client: client, topology: topology)
            try await sink.deliver(Self.crossings(1))
            try await eventually("stored after a retry") { try await Self.storedIDs(inner) == ["c0"] }
            #expect(store.attempts.withLock { $0 } == 2)
            // The store stays down: after three attempts, a dead letter that says why.
            store.failuresLeft.withLock { $0 = .max }
            try await sink.deliver(Self.crossings(1, from: 1))
            try await eventually("dead-lettered") {
                try await client.messageCount(queue: topology.deadLetterQueue) == 1
            }
            let entry = try #require(try await DeadLetters(client: client, topology: topology).list(limit: 1).first)
            #expect(entry.attempts == 3)
            #expect(entry.reason.contains("failed 3 times") && entry.reason.contains("connection refused"))
        }
    }

    /// A store whose first commit is the consumer's last act: the consumer dies before it acks.
    final class CommitThenHang: CountStore {
        let inner: InMemoryStore
        let committed = Mutex(0)

        init(inner: InMemoryStore) { self.inner = inner }

        func recordLease(cameraID: String, token: Int64, acquiredAt: Date) async throws -> Bool {
            try await inner.recordLease(cameraID: cameraID, token: token, acquiredAt: acquiredAt)
        }

        func storeCrossings(_ crossings: [CrossingRecord]) async throws -> StoredCrossings {
            let stored = try await inner.storeCrossings(crossings)
            committed.withLock { $0 += crossings.count }
            // Never returns: the consumer is killed here, between commit and ack.
            try await Task.sleep(for: .seconds(3_600))
            return stored
        }

        func crossings(cameraID: String, from: Date, to: Date) async throws -> [CrossingRecord] {
            try await inner.crossings(cameraID: cameraID, from: from, to: to)
        }

        func addCountingResults(_ results: [CountingResult]) async throws {}

        func countSeries(cameraID: String, from: Date, to: Date, bucket: BucketSize) async throws -> CountSeries {
            try await inner.countSeries(cameraID: cameraID, from: from, to: to, bucket: bucket)
        }

        func dwellSamples(cameraID: String, zone: String, from: Date, to: Date) async throws -> [DwellSample] {
            try await inner.dwellSamples(cameraID: cameraID, zone: zone, from: from, to: to)
        }
    }

    @Test func aConsumerKilledMidBatchLeavesTheSameTotals() async throws {
        let topology = FootfallTopology(namespace: AMQPTestServer.uniqueName("kill"))
        let store = InMemoryStore()
        try await store.saveCamera(Self.camera)
        let crossings = Self.crossings(500)
        try await AMQPTestServer.withClient { publisher in
            try await publisher.declare(topology.declarations)
            // Ten messages of fifty crossings, as ten frames would hand them over.
            let sink = AMQPCrossingSink(client: publisher, topology: topology)
            for start in stride(from: 0, to: crossings.count, by: 50) {
                try await sink.deliver(Array(crossings[start..<(start + 50)]))
            }
        }
        // The first consumer commits a batch and dies before acknowledging it.
        let hanging = CommitThenHang(inner: store)
        try await AMQPTestServer.withClient { client in
            // Batches of three messages: the first commit holds 150 of the 500 crossings.
            let ingest = CrossingIngestService(client: client, store: hanging, topology: topology,
                                               configuration: .init(batchSize: 3, batchWindow: .milliseconds(10)),
                                               logger: AMQPTestServer.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await ingest.run() }
                defer { group.cancelAll() }
                try await eventually("a committed batch") { hanging.committed.withLock { $0 } > 0 }
            }
        }
        let committedBeforeDying = hanging.committed.withLock { $0 }
        #expect(committedBeforeDying > 0 && committedBeforeDying < 500)
        // A new consumer gets everything unacknowledged again, the committed batch included.
        try await AMQPTestServer.withClient { client in
            let ingest = CrossingIngestService(client: client, store: store, topology: topology,
                                               configuration: Self.fastRetries, logger: AMQPTestServer.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await ingest.run() }
                defer { group.cancelAll() }
                try await eventually("all stored") { try await Self.storedIDs(store).count == 500 }
                try await eventually("queue drained") {
                    try await client.messageCount(queue: topology.ingestQueue) == 0
                }
            }
        }
        let stored = try await store.crossings(cameraID: "door", from: Self.start.addingTimeInterval(-1), to: Self.start.addingTimeInterval(1e6))
        #expect(stored.count == 500)
        #expect(stored.filter { $0.direction == .in }.count == crossings.filter { $0.direction == .in }.count)
    }
}
