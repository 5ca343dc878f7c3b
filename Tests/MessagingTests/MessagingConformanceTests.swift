import FootfallSupport
import FootfallTestSupport
import Foundation
import Messaging
import Testing

/// One suite, every messaging backend: what any `CameraLeases`, `WorkerRegistry`, `RateLimiter`, `LiveStateStore`
/// and `EventBus` must do, whether in process or on Redis.
///
/// Where time must pass, the in-process backends run on a manual clock; the Redis ones use short
/// server expiries and wait for them to end, so no verdict depends on the machine's load.
struct MessagingConformanceTests {
    // MARK: Camera leases

    @Test(arguments: Backend.available)
    func aCameraHasOneOwnerAtATime(backend: Backend) async throws {
        try await backend.withLeases { leases, _ in
            let door = try #require(try await leases.acquire(cameraID: "door", owner: "a", duration: .seconds(600)))
            #expect(door.cameraID == "door")
            #expect(door.owner == "a")
            #expect(try await leases.acquire(cameraID: "door", owner: "b", duration: .seconds(600)) == nil)
            // Not even its owner takes it twice.
            #expect(try await leases.acquire(cameraID: "door", owner: "a", duration: .seconds(600)) == nil)
            let hall = try #require(try await leases.acquire(cameraID: "hall", owner: "b", duration: .seconds(600)))
            #expect(try await leases.holder(cameraID: "door") == door)
            #expect(try await leases.holder(cameraID: "hall") == hall)
            #expect(try await leases.holder(cameraID: "yard") == nil)
            // What is left of a lease, for a worker waiting to take the camera as soon as it is free.
            let left = try #require(try await leases.timeLeft(cameraID: "door"))
            #expect(left > .seconds(590) && left <= .seconds(600))
            #expect(try await leases.timeLeft(cameraID: "yard") == nil)
            try await leases.release(door)
            #expect(try await leases.timeLeft(cameraID: "door") == nil)
        }
    }

    @Test(arguments: Backend.available)
    func everyGrantOfACameraHasALargerToken(backend: Backend) async throws {
        try await backend.withLeases { leases, _ in
            var tokens: [Int64] = []
            for owner in ["a", "b", "a", "c"] {
                let lease = try #require(try await leases.acquire(cameraID: "door", owner: owner, duration: .seconds(600)))
                tokens.append(lease.token)
                try await leases.release(lease)
                #expect(try await leases.holder(cameraID: "door") == nil)
            }
            #expect(tokens == tokens.sorted())
            #expect(Set(tokens).count == tokens.count)
        }
    }

    @Test(arguments: Backend.available)
    func onlyTheCurrentLeaseRenews(backend: Backend) async throws {
        try await backend.withLeases { leases, _ in
            let lease = try #require(try await leases.acquire(cameraID: "door", owner: "a", duration: .seconds(600)))
            #expect(try await leases.renew(lease, duration: .seconds(600)))
            var otherToken = lease
            otherToken.token += 1
            #expect(try await !leases.renew(otherToken, duration: .seconds(600)))
            var otherOwner = lease
            otherOwner.owner = "b"
            #expect(try await !leases.renew(otherOwner, duration: .seconds(600)))
            #expect(try await leases.holder(cameraID: "door") == lease)
            try await leases.release(lease)
            #expect(try await !leases.renew(lease, duration: .seconds(600)))
            #expect(try await leases.holder(cameraID: "door") == nil)
        }
    }

    @Test(arguments: Backend.available)
    func releasingALeaseNoLongerHeldChangesNothing(backend: Backend) async throws {
        try await backend.withLeases { leases, _ in
            let first = try #require(try await leases.acquire(cameraID: "door", owner: "a", duration: .seconds(600)))
            var stale = first
            stale.token -= 1
            try await leases.release(stale)
            #expect(try await leases.holder(cameraID: "door") == first)
            try await leases.release(first)
            #expect(try await leases.holder(cameraID: "door") == nil)
            let second = try #require(try await leases.acquire(cameraID: "door", owner: "b", duration: .seconds(600)))
            try await leases.release(first)
            #expect(try await leases.holder(cameraID: "door") == second)
        }
    }

    @Test(arguments: Backend.available)
    func aLeaseNotRenewedInTimeExpires(backend: Backend) async throws {
        try await backend.withLeases { leases, time in
            let first = try #require(try await leases.acquire(cameraID: "door", owner: "a", duration: .seconds(600)))
            // Renewing sets the lease's new end, even an earlier one.
            #expect(try await leases.renew(first, duration: time.short))
            try await time.waitOut("the lease to expire") { try await leases.holder(cameraID: "door") == nil }
            #expect(try await !leases.renew(first, duration: .seconds(600)))
            let second = try #require(try await leases.acquire(cameraID: "door", owner: "b", duration: .seconds(600)))
            #expect(second.token > first.token)
            try await leases.release(first)
            #expect(try await leases.holder(cameraID: "door") == second)
        }
    }

    // MARK: Workers

    static func worker(_ name: String, capacity: Double = 400, cameras: [String] = []) -> WorkerStatus {
        let tenant = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
        return WorkerStatus(name: name, capacity: capacity,
                            cameras: cameras.map { .init(tenantID: tenant, cameraID: $0, analysisRate: 5) }, target: cameras.count,
                            startedAt: Date(timeIntervalSince1970: 1_800_000_000), announcedAt: Date(timeIntervalSince1970: 1_800_000_010.5))
    }

    @Test(arguments: Backend.available)
    func workersAnnounceReplaceAndWithdraw(backend: Backend) async throws {
        try await backend.withWorkers { registry, _ in
            #expect(try await registry.workers().isEmpty)
            try await registry.announce(Self.worker("b", cameras: ["door"]), ttl: .seconds(600))
            try await registry.announce(Self.worker("a", capacity: 200), ttl: .seconds(600))
            let moved = Self.worker("b", cameras: ["door", "hall"])
            try await registry.announce(moved, ttl: .seconds(600))
            #expect(try await registry.workers() == [Self.worker("a", capacity: 200), moved])
            #expect(try await registry.workers().last?.load == 10)
            try await registry.withdraw(name: "a")
            try await registry.withdraw(name: "nobody")
            #expect(try await registry.workers().map(\.name) == ["b"])
        }
    }

    @Test(arguments: Backend.available)
    func aWorkerThatStopsAnnouncingDropsOut(backend: Backend) async throws {
        try await backend.withWorkers { registry, time in
            try await registry.announce(Self.worker("quiet"), ttl: time.short)
            try await registry.announce(Self.worker("alive"), ttl: .seconds(600))
            try await time.waitOut("the quiet worker to drop out") { try await registry.workers().map(\.name) == ["alive"] }
        }
    }

    // MARK: Checkpoints

    @Test(arguments: Backend.available)
    func aCheckpointIsReplacedOnlyUnderTheSameOrANewerLease(backend: Backend) async throws {
        try await backend.withCheckpoints { (checkpoints: any CameraCheckpoints) async throws in
            #expect(try await checkpoints.checkpoint(cameraID: "door") == nil)
            let first = CameraCheckpoint(cameraID: "door", leaseToken: 7, state: #"{"frames":1,"name":"caf\u00e9 ☕"}"#)
            #expect(try await checkpoints.save(first))
            #expect(try await checkpoints.checkpoint(cameraID: "door") == first)
            let later = CameraCheckpoint(cameraID: "door", leaseToken: 7, state: "two")
            #expect(try await checkpoints.save(later))
            let successor = CameraCheckpoint(cameraID: "door", leaseToken: 9, state: "three")
            #expect(try await checkpoints.save(successor))
            // The holder frozen past its lease wakes up and writes: refused, nothing changes.
            #expect(try await checkpoints.save(CameraCheckpoint(cameraID: "door", leaseToken: 7, state: "stale")) == false)
            #expect(try await checkpoints.checkpoint(cameraID: "door") == successor)
            #expect(try await checkpoints.checkpoint(cameraID: "hall") == nil)
        }
    }

    @Test(arguments: Backend.available)
    func aClaimHandsOverTheLatestCheckpointAndShutsOlderHoldersOut(backend: Backend) async throws {
        try await backend.withCheckpoints { (checkpoints: any CameraCheckpoints) async throws in
            #expect(try await checkpoints.claim(cameraID: "door", leaseToken: 3) == .granted(nil))
            let written = CameraCheckpoint(cameraID: "door", leaseToken: 3, state: "counted up to 10")
            #expect(try await checkpoints.save(written))
            // The next holder claims the camera and gets what the last one wrote, in one step.
            #expect(try await checkpoints.claim(cameraID: "door", leaseToken: 4) == .granted(written))
            // The last holder, frozen past its lease, wakes up: it can neither write nor claim.
            #expect(try await checkpoints.save(CameraCheckpoint(cameraID: "door", leaseToken: 3, state: "counted up to 12")) == false)
            #expect(try await checkpoints.claim(cameraID: "door", leaseToken: 3) == .refused)
            #expect(try await checkpoints.checkpoint(cameraID: "door") == written)
            let next = CameraCheckpoint(cameraID: "door", leaseToken: 4, state: "counted up to 11")
            #expect(try await checkpoints.save(next))
            #expect(try await checkpoints.claim(cameraID: "door", leaseToken: 4) == .granted(next))
        }
    }

    // MARK: Rate limits

    @Test(arguments: Backend.available)
    func requestsAreCountedPerKeyUpToTheLimit(backend: Backend) async throws {
        try await backend.withRateLimiter { limiter, _ in
            var answers: [Bool] = []
            for _ in 0..<10 { answers.append(try await limiter.allow(key: "api:10.0.0.1", limit: 6, window: .seconds(600))) }
            #expect(answers == Array(repeating: true, count: 6) + Array(repeating: false, count: 4))
            #expect(try await limiter.allow(key: "api:10.0.0.2", limit: 6, window: .seconds(600)))
            #expect(try await !limiter.allow(key: "api:10.0.0.1", limit: 6, window: .seconds(600)))
        }
    }

    @Test(arguments: Backend.available)
    func aNewWindowStartsWhenTheLastOneEnds(backend: Backend) async throws {
        try await backend.withRateLimiter { limiter, time in
            #expect(try await limiter.allow(key: "api:10.0.0.1", limit: 1, window: time.short))
            try await time.waitOut("a request to be allowed in a new window") {
                try await limiter.allow(key: "api:10.0.0.1", limit: 1, window: time.short)
            }
        }
    }

    // MARK: Live state

    @Test(arguments: Backend.available)
    func statesRoundTripAndListInCameraOrder(backend: Backend) async throws {
        try await backend.withLiveState { live, _ in
            let time = Date(timeIntervalSince1970: 1_800_000_000.25)
            let hall = CameraLiveState(cameraID: "hall", status: .online, framesPerSecond: 9.5, updated: time,
                                       lines: [.init(name: "entrance", countIn: 3, countOut: 1)],
                                       zones: [.init(name: "lobby", occupancy: 2)])
            let connecting = CameraLiveState(cameraID: "door", status: .connecting)
            var door = connecting
            door.status = .online
            door.updated = time
            door.lines = [.init(name: "door", countIn: 12, countOut: 4)]
            await live.put(hall)
            await live.put(connecting)
            #expect(await live.state(cameraID: "door") == connecting)
            await live.put(door)
            #expect(await live.state(cameraID: "door") == door)
            #expect(await live.state(cameraID: "hall") == hall)
            #expect(await live.state(cameraID: "yard") == nil)
            #expect(await live.states() == [door, hall])
        }
    }

    @Test(arguments: Backend.available)
    func aStateFromAnOlderLeaseDoesNotReplaceANewerOne(backend: Backend) async throws {
        try await backend.withLiveState { live, _ in
            let time = Date(timeIntervalSince1970: 1_800_000_000)
            // The worker that froze wrote under lease 7; its successor writes under lease 9.
            let stale = CameraLiveState(cameraID: "door", status: .online, updated: time,
                                        lines: [.init(name: "door", countIn: 3)], leaseToken: 7)
            let successor = CameraLiveState(cameraID: "door", status: .online, updated: time.addingTimeInterval(12),
                                            lines: [.init(name: "door", countIn: 8)], leaseToken: 9)
            await live.put(stale)
            #expect(await live.state(cameraID: "door") == stale)
            await live.put(successor)
            // The frozen worker wakes up and writes what it had, then that it stopped.
            var stopped = stale
            stopped.status = .offline
            stopped.updated = time.addingTimeInterval(1)
            await live.put(stale)
            await live.put(stopped)
            #expect(await live.state(cameraID: "door") == successor)
            #expect(await live.states() == [successor])
            // The successor's own writes, and writes without a lease, still go through.
            var later = successor
            later.lines = [.init(name: "door", countIn: 9)]
            await live.put(later)
            #expect(await live.state(cameraID: "door") == later)
            let unleased = CameraLiveState(cameraID: "door", status: .offline)
            await live.put(unleased)
            #expect(await live.state(cameraID: "door") == unleased)
            // ...without lowering the fence.
            await live.put(stale)
            #expect(await live.state(cameraID: "door") == unleased)
        }
    }

    @Test(arguments: Backend.available)
    func snapshotsRoundTrip(backend: Backend) async throws {
        try await backend.withLiveState { live, _ in
            #expect(await live.snapshot(cameraID: "door") == nil)
            let jpeg: [UInt8] = [0xFF, 0xD8, 0x00, 0x0D, 0x0A, 0xFF, 0xD9]
            await live.putSnapshot(cameraID: "door", jpeg: jpeg)
            #expect(await live.snapshot(cameraID: "door") == jpeg)
            await live.putSnapshot(cameraID: "door", jpeg: [0xFF, 0xD8, 0xFF, 0xD9])
            #expect(await live.snapshot(cameraID: "door") == [0xFF, 0xD8, 0xFF, 0xD9])
            #expect(await live.snapshot(cameraID: "hall") == nil)
            // The bare frame for the line editor is kept apart from the annotated one.
            #expect(await live.snapshot(cameraID: "door", kind: .plain) == nil)
            await live.putSnapshot(cameraID: "door", kind: .plain, jpeg: jpeg)
            #expect(await live.snapshot(cameraID: "door", kind: .plain) == jpeg)
            #expect(await live.snapshot(cameraID: "door", kind: .annotated) == [0xFF, 0xD8, 0xFF, 0xD9])
        }
    }

    @Test(arguments: Backend.withHeartbeats)
    func aCameraWhoseHeartbeatEndsReadsAsOffline(backend: Backend) async throws {
        try await backend.withLiveState { live, withHeartbeat in
            let state = CameraLiveState(cameraID: "door", status: .online, framesPerSecond: 10,
                                        lines: [.init(name: "door", countIn: 5, countOut: 2)])
            await live.put(state)
            #expect(await live.state(cameraID: "door")?.status == .online)
            // The last write gives a short heartbeat, and then the writer stops.
            await withHeartbeat(backend.short).put(state)
            var offline = state
            offline.status = .offline
            offline.framesPerSecond = 0
            try await eventually("the camera to read as offline") { await live.state(cameraID: "door") == offline }
            #expect(await live.states() == [offline])
        }
    }

    // MARK: Event bus

    @Test(arguments: Backend.available)
    func everySubscriberGetsEveryMessageInOrder(backend: Backend) async throws {
        try await backend.withBuses(processes: 2) { buses in
            // Two subscribers in each process.
            let streams = buses.flatMap { [$0.subscribe(), $0.subscribe()] }
            let messages = (1...20).map { index in
                LiveMessage.occupancy(.init(cameraID: "door", zone: "lobby", occupancy: index,
                                            time: Date(timeIntervalSince1970: 1_800_000_000 + Double(index))))
            }
            // From both processes in turn.
            for (index, message) in messages.enumerated() { await buses[index % buses.count].publish(message) }
            for stream in streams {
                let received = try await withTimeout(.seconds(60)) {
                    var received: [LiveMessage] = []
                    for await message in stream {
                        received.append(message)
                        if received.count == messages.count { break }
                    }
                    return received
                }
                #expect(received == messages)
            }
        }
    }
}
