import CountingCore
import FootfallTestSupport
import Foundation
import Logging
import Messaging
import Pipeline
import Prometheus
import Storage
import Synchronization
import Testing

/// A pushed camera taken over by another run: the new holder starts from the last checkpoint,
/// counts again what the last holder had not delivered, into the same crossings, and a holder
/// whose lease is behind stops.
struct PushedCameraCheckpointTests {
    /// A durable inbox in this process: batches stay until acknowledged and go again, in order,
    /// to the next receiver (what the RabbitMQ inbox does across processes).
    final class DurableInbox: DetectionInbox {
        private struct State {
            var batches: [DetectionBatch] = []
            var acknowledged = 0
            var receiver: AsyncThrowingStream<PushedBatch, any Error>.Continuation?
        }

        private let state = Mutex(State())

        var isDurable: Bool { true }

        var acknowledged: Int { state.withLock { $0.acknowledged } }

        private func pushed(_ batch: DetectionBatch, index: Int) -> PushedBatch {
            PushedBatch(batch: batch) { [weak self] in
                self?.state.withLock { $0.acknowledged = max($0.acknowledged, index + 1) }
            }
        }

        func push(cameraID: String, batches: [DetectionBatch]) {
            state.withLock { state in
                for batch in batches {
                    state.batches.append(batch)
                    state.receiver?.yield(pushed(batch, index: state.batches.count - 1))
                }
            }
        }

        func receive(cameraID: String) -> DetectionSubscription {
            let (stream, continuation) = AsyncThrowingStream.makeStream(of: PushedBatch.self)
            state.withLock { state in
                for index in state.acknowledged..<state.batches.count {
                    continuation.yield(pushed(state.batches[index], index: index))
                }
                state.receiver = continuation
            }
            return DetectionSubscription(batches: stream) { [weak self] in
                continuation.finish()
                self?.state.withLock { $0.receiver = nil }
            }
        }
    }

    /// A sink that takes the first `accepting` deliveries and refuses the rest, remembering what it was offered.
    final class SinkThatGivesUp: CrossingSink {
        let store: InMemoryStore
        let accepting: Int
        private let state = Mutex((deliveries: 0, offered: Set<String>()))

        init(store: InMemoryStore, accepting: Int) {
            self.store = store
            self.accepting = accepting
        }

        var offered: Set<String> { state.withLock { $0.offered } }

        func deliver(_ crossings: [CrossingRecord]) async throws {
            let accept = state.withLock { state in
                state.offered.formUnion(crossings.map(\.id))
                state.deliveries += 1
                return state.deliveries <= accepting
            }
            guard accept else { throw MessagingError.invalidMessage(field: "broker", reason: "unavailable") }
            try await store.insertCrossings(crossings)
        }
    }

    /// Checkpoints that take the first `accepting` saves and then fail, as if the holder had
    /// died right after its last good checkpoint while still storing what it counted.
    final class CheckpointsThatStopSaving: CameraCheckpoints {
        let inner = InMemoryCameraCheckpoints()
        let accepting: Int
        private let saves = Mutex(0)

        init(accepting: Int) {
            self.accepting = accepting
        }

        func checkpoint(cameraID: String) async throws -> CameraCheckpoint? {
            try await inner.checkpoint(cameraID: cameraID)
        }

        func claim(cameraID: String, leaseToken: Int64) async throws -> CheckpointClaim {
            try await inner.claim(cameraID: cameraID, leaseToken: leaseToken)
        }

        func save(_ checkpoint: CameraCheckpoint) async throws -> Bool {
            let accept = saves.withLock { saves in
                saves += 1
                return saves <= accepting
            }
            guard accept else { throw MessagingError.invalidMessage(field: "redis", reason: "unavailable") }
            return try await inner.save(checkpoint)
        }
    }

    static let geometry = Geometry(lines: [CountingLine(name: "door", a: Point(x: 100, y: 0), b: Point(x: 100, y: 300))])

    /// Three people, one after another, walking left to right across the line at 5 frames/s.
    static func batches(from start: Date) -> [DetectionBatch] {
        (0..<90).map { frame in
            let person = frame / 25
            let step = frame - person * 25
            let detections = person < 3 && step < 22
                ? [Detection(box: Box(x: 10 + Double(step) * 8, y: 90 + Double(person) * 60, width: 30, height: 60), confidence: 0.9)]
                : []
            return DetectionBatch(time: start.addingTimeInterval(0.2 * Double(frame)), detections: detections)
        }
    }

    /// A live cache that holds the first state written with a frame until `release()`: the
    /// pipeline waits there in the middle of its first batch.
    final class LiveStateThatHolds: LiveStateStore {
        private let inner = InMemoryLiveState()
        private let state = Mutex<(holding: Bool, released: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, false, nil))

        var isHolding: Bool { state.withLock { $0.holding } }

        func release() {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.released = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        func put(_ live: CameraLiveState) async {
            if live.updated != nil {
                await withCheckedContinuation { continuation in
                    let go = state.withLock { state -> Bool in
                        if state.released { return true }
                        state.holding = true
                        state.waiter = continuation
                        return false
                    }
                    if go { continuation.resume() }
                }
            }
            inner.put(live)
        }

        func states() async -> [CameraLiveState] { inner.states() }
        func state(cameraID: String) async -> CameraLiveState? { inner.state(cameraID: cameraID) }
        func putSnapshot(cameraID: String, kind: SnapshotKind, jpeg: [UInt8]) async {
            inner.putSnapshot(cameraID: cameraID, kind: kind, jpeg: jpeg)
        }
        func snapshot(cameraID: String, kind: SnapshotKind) async -> [UInt8]? { inner.snapshot(cameraID: cameraID, kind: kind) }
    }

    static func pipeline(store: InMemoryStore, sink: any CrossingSink, inbox: any DetectionInbox,
                         checkpoints: any CameraCheckpoints, live: any LiveStateStore = InMemoryLiveState(),
                         now: @escaping @Sendable () -> Date = Date.init) -> CameraPipeline {
        CameraPipeline(
            camera: Camera(id: "smart", name: "Smart", source: CameraSource.externalText, geometry: geometry),
            configuration: CameraPipelineConfiguration(), store: store, sink: sink, inbox: inbox, checkpoints: checkpoints,
            bus: InProcessEventBus(), live: live,
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"), now: now)
    }

    /// A store with the pushed camera, an empty durable inbox and no checkpoints.
    static func fixture() async throws -> (InMemoryStore, DurableInbox, InMemoryCameraCheckpoints) {
        let store = InMemoryStore()
        try await store.saveCamera(Camera(id: "smart", name: "Smart", source: CameraSource.externalText, geometry: geometry))
        return (store, DurableInbox(), InMemoryCameraCheckpoints())
    }

    static func lease(_ token: Int64) -> CameraLease {
        CameraLease(cameraID: "smart", owner: "worker-\(token)", token: token)
    }

    /// Format 3, written before the zones' presence time: the same checkpoint without it.
    static func asFormat3(_ checkpoint: CameraCheckpoint) throws -> CameraCheckpoint {
        var json = try #require(try JSONSerialization.jsonObject(with: Data(checkpoint.state.utf8)) as? [String: Any])
        var engine = try #require(json["engine"] as? [String: Any])
        var configuration = try #require(engine["configuration"] as? [String: Any])
        #expect(configuration.removeValue(forKey: "zonePresenceSeconds") != nil)
        engine["configuration"] = configuration
        json["engine"] = engine
        json["format"] = 3
        let state = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        return CameraCheckpoint(cameraID: checkpoint.cameraID, leaseToken: checkpoint.leaseToken, state: state)
    }

    @Test(arguments: [false, true])
    func theNextHolderCountsFromTheCheckpointWhatTheLastCouldNotDeliverIntoTheSameCrossings(format3: Bool) async throws {
        let (store, inbox, checkpoints) = try await Self.fixture()
        let start = Date()
        inbox.push(cameraID: "smart", batches: Self.batches(from: start))

        // The first holder delivers its first crossing, then its deliveries fail until it stops.
        let failing = SinkThatGivesUp(store: store, accepting: 1)
        let first = Self.pipeline(store: store, sink: failing, inbox: inbox, checkpoints: checkpoints)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await first.run(lease: Self.lease(1)) }
            try await eventually("the first holder to count all three") { failing.offered.count == 3 }
            group.cancelAll()
        }
        let delivered = try await store.crossings(cameraID: "smart", from: start, to: start.addingTimeInterval(60))
        #expect(delivered.count == 1)
        #expect(inbox.acknowledged > 0 && inbox.acknowledged < 90)
        #expect(try #require(checkpoints.checkpoint(cameraID: "smart")).leaseToken == 1)
        if format3 {
            #expect(checkpoints.save(try Self.asFormat3(try #require(checkpoints.checkpoint(cameraID: "smart")))))
        }

        // The next holder takes over from the checkpoint and counts the rest again.
        let second = Self.pipeline(store: store, sink: DirectCrossingSink(store: store), inbox: inbox, checkpoints: checkpoints)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await second.run(lease: Self.lease(2)) }
            try await eventually("every batch acknowledged") { inbox.acknowledged == 90 }
            group.cancelAll()
        }
        let stored = try await store.crossings(cameraID: "smart", from: start, to: start.addingTimeInterval(60))
        #expect(stored.map(\.direction) == [.out, .out, .out])
        // The ids the first holder gave them: the same crossings, not new ones.
        #expect(Set(stored.map(\.id)) == failing.offered)
        #expect(try #require(checkpoints.checkpoint(cameraID: "smart")).leaseToken == 2)
    }

    @Test func minutesStoredAfterTheCheckpointAreNotCountedAgainByTheNextHolder() async throws {
        // Nine seconds before a minute starts: the first two people cross in one minute, the third in the next.
        let minute = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 60
        let start = Date(timeIntervalSince1970: minute - 9)
        let window = (from: Date(timeIntervalSince1970: minute - 60), to: Date(timeIntervalSince1970: minute + 60))

        // Undisturbed, for reference.
        let (reference, referenceInbox, referenceCheckpoints) = try await Self.fixture()
        referenceInbox.push(cameraID: "smart", batches: Self.batches(from: start))
        let undisturbed = Self.pipeline(store: reference, sink: DirectCrossingSink(store: reference), inbox: referenceInbox,
                                        checkpoints: referenceCheckpoints)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await undisturbed.run(lease: Self.lease(1)) }
            try await eventually("every batch acknowledged") { referenceInbox.acknowledged == 90 }
            group.cancelAll()
        }
        let expected = try await reference.countSeries(cameraID: "smart", from: window.from, to: window.to, bucket: .minute)
        #expect(expected.lines["door"]?.count == 2)
        #expect(expected.lines["door"]?.map(\.countOut).reduce(0, +) == 3)

        // The first holder's checkpoints stop after the first: everything it stores after that,
        // the closed minute and the open one, the next holder counts again from that checkpoint.
        let (store, inbox, _) = try await Self.fixture()
        let checkpoints = CheckpointsThatStopSaving(accepting: 1)
        inbox.push(cameraID: "smart", batches: Self.batches(from: start))
        let first = Self.pipeline(store: store, sink: DirectCrossingSink(store: store), inbox: inbox, checkpoints: checkpoints)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await first.run(lease: Self.lease(1)) }
            try await eventually("the first holder to count all three") {
                (try? await store.crossings(cameraID: "smart", from: window.from, to: window.to).count) == 3
            }
            group.cancelAll()
        }
        #expect(inbox.acknowledged < 90)
        let second = Self.pipeline(store: store, sink: DirectCrossingSink(store: store), inbox: inbox, checkpoints: checkpoints.inner)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await second.run(lease: Self.lease(2)) }
            try await eventually("every batch acknowledged") { inbox.acknowledged == 90 }
            group.cancelAll()
        }
        let stored = try await store.countSeries(cameraID: "smart", from: window.from, to: window.to, bucket: .minute)
        #expect(stored == expected)
    }

    /// A sink that takes every crossing and keeps it, as the broker does until the ingest stores it.
    final class SinkThatHolds: CrossingSink {
        private let held = Mutex<[CrossingRecord]>([])
        var crossings: [CrossingRecord] { held.withLock { $0 } }
        func deliver(_ crossings: [CrossingRecord]) async throws { held.withLock { $0 += crossings } }
    }

    @Test func whatTheLastHolderCheckpointedBeforeTheClaimIsNotFencedOut() async throws {
        let (store, inbox, checkpoints) = try await Self.fixture()
        let base = Date()
        inbox.push(cameraID: "smart", batches: Self.batches(from: base))
        // The next holder's run starts at base; the last holder, still counting, counts and
        // checkpoints everything at base + 50 s, before the next holder claims the camera. Its
        // crossings are on the broker and reach the store only after that.
        let broker = SinkThatHolds()
        let last = Self.pipeline(store: store, sink: broker, inbox: inbox, checkpoints: checkpoints,
                                 now: { base.addingTimeInterval(50) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await last.run(lease: Self.lease(1)) }
            try await eventually("every batch counted and acknowledged") { inbox.acknowledged == 90 }
            group.cancelAll()
        }
        #expect(broker.crossings.count == 3)
        let readings = Mutex(0)
        let live = InMemoryLiveState()
        let next = Self.pipeline(store: store, sink: DirectCrossingSink(store: store), inbox: inbox, checkpoints: checkpoints,
                                 live: live, now: {
                                     // Its first reading is its start; every later one comes after the claim.
                                     base.addingTimeInterval(readings.withLock { $0 += 1; return $0 } == 1 ? 0 : 100)
                                 })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await next.run(lease: Self.lease(2)) }
            try await eventually("the next holder under way") { live.state(cameraID: "smart")?.leaseToken == 2 }
            // The next holder resumed after all three: they are the last holder's to store.
            #expect(try await store.insertCrossings(broker.crossings) == 3)
            group.cancelAll()
        }
        #expect(try await store.crossings(cameraID: "smart", from: base, to: base.addingTimeInterval(60)).count == 3)
    }

    @Test func aHolderAskedToStopCountsNoneOfTheBatchesStillWaiting() async throws {
        let (store, inbox, checkpoints) = try await Self.fixture()
        inbox.push(cameraID: "smart", batches: Self.batches(from: Date()))
        let live = LiveStateThatHolds()
        let pipeline = Self.pipeline(store: store, sink: DirectCrossingSink(store: store), inbox: inbox, checkpoints: checkpoints,
                                     live: live)
        let stop = PipelineStopSignal()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pipeline.run(lease: Self.lease(1), stop: stop) }
            // All 90 batches were handed to the pipeline at once; it is in the middle of the first.
            try await eventually("the first batch's state to be held") { live.isHolding }
            stop.stop(reason: "lost the lease")
            live.release()
            try await group.next()
        }
        // The first batch is counted and acknowledged; the other 89 are left for the next holder.
        #expect(inbox.acknowledged == 1)
        #expect(try #require(checkpoints.checkpoint(cameraID: "smart")).leaseToken == 1)
    }

    @Test func aHolderWhoseCheckpointIsRefusedStops() async throws {
        let (store, inbox, checkpoints) = try await Self.fixture()
        let start = Date()
        // A newer holder has claimed the camera (this one was frozen past its lease).
        #expect(checkpoints.claim(cameraID: "smart", leaseToken: 5) == .granted(nil))
        inbox.push(cameraID: "smart", batches: Self.batches(from: start))
        let stale = Self.pipeline(store: store, sink: DirectCrossingSink(store: store), inbox: inbox, checkpoints: checkpoints)
        await #expect(throws: PipelineError.self) { try await stale.run(lease: Self.lease(3)) }
        #expect(inbox.acknowledged == 0)
        #expect(checkpoints.checkpoint(cameraID: "smart") == nil)
    }

    @Test func aHolderWhoseCheckpointIsRefusedMidRunStopsWithoutAcknowledging() async throws {
        let (store, inbox, checkpoints) = try await Self.fixture()
        let start = Date()
        let pipeline = Self.pipeline(store: store, sink: DirectCrossingSink(store: store), inbox: inbox, checkpoints: checkpoints)
        inbox.push(cameraID: "smart", batches: Array(Self.batches(from: start).prefix(10)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pipeline.run(lease: Self.lease(3)) }
            try await eventually("the first ten counted") { inbox.acknowledged == 10 }
            // Another worker takes the camera while this one still runs (frozen, say, and woken).
            #expect(checkpoints.claim(cameraID: "smart", leaseToken: 4) != .refused)
            inbox.push(cameraID: "smart", batches: Array(Self.batches(from: start).dropFirst(10)))
            await #expect(throws: PipelineError.self) { try await group.next() }
        }
        #expect(inbox.acknowledged == 10)
        #expect(checkpoints.checkpoint(cameraID: "smart")?.leaseToken == 3)
    }
}
