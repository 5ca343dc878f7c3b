import CountingCore
import Foundation
import Logging
import Messaging
import Storage
import Synchronization
import Testing
@testable import Alerting

/// The monitor over a real (in-memory) store, live cache and bus: what fires is stored once,
/// published once, and survives a restart without firing again.
struct AlertMonitorTests {
    final class WallClock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: Double) { time.withLock { $0.addTimeInterval(seconds) } }
        var now: Date { time.withLock { $0 } }
    }

    final class RecordingQueue: WebhookQueue {
        let changes = Mutex<[LiveMessage.AlertChange]>([])
        /// Refuses this many changes first (a broker away).
        let refusals = Mutex(0)
        func enqueue(_ event: WebhookEvent) async throws {
            guard case .alert(let change) = event else { return }
            if refusals.withLock({ count in
                defer { count = max(0, count - 1) }
                return count > 0
            }) { throw CancellationError() }
            changes.withLock { $0.append(change) }
        }
    }

    let audit = AuditEntry(time: Date(timeIntervalSince1970: 1_800_000_000), username: "system", action: "test", target: "test")
    let door = Camera(id: "door", name: "Door", source: "external", geometry: Geometry(
        zones: [Zone(name: "queue", polygon: [Point(x: 0, y: 0), Point(x: 5, y: 0), Point(x: 0, y: 5)])]))

    func monitor(_ store: InMemoryStore, _ live: InMemoryLiveState, _ bus: InProcessEventBus, _ clock: WallClock,
                 _ queue: RecordingQueue? = nil) -> AlertMonitor {
        AlertMonitor(store: store, live: live, bus: bus, deliveries: queue, wallClock: { clock.now },
                     logger: Logger(label: "test.alerts"))
    }

    @Test func aFullZoneIsStoredPublishedAndQueuedOnceThenResolved() async throws {
        let store = InMemoryStore(), live = InMemoryLiveState(), bus = InProcessEventBus(), clock = WallClock(), queue = RecordingQueue()
        try await store.createCamera(door, audit: audit)
        let rule = AlertRule(name: "Queue full", kind: .zoneOccupancy, severity: .critical, cameraID: "door", zone: "queue",
                             threshold: 3, holdSeconds: 5, clearSeconds: 5)
        try await store.saveAlertRule(rule, audit: audit)
        let messages = bus.subscribe()
        var received = messages.makeAsyncIterator()
        let first = monitor(store, live, bus, clock, queue)

        await live.put(CameraLiveState(cameraID: "door", status: .online, updated: clock.now, zones: [.init(name: "queue", occupancy: 4)]))
        #expect(await first.evaluate().isEmpty)
        clock.advance(5)
        await live.put(CameraLiveState(cameraID: "door", status: .online, updated: clock.now, zones: [.init(name: "queue", occupancy: 5)]))
        let fired = await first.evaluate()
        #expect(fired.count == 1 && fired[0].alert.state == .firing && fired[0].alert.value == 5)
        #expect(try await store.alerts(AlertQuery(openOnly: true)).map(\.id) == fired.map(\.alert.id))
        #expect(await received.next() == .alert(fired[0]))
        #expect(queue.changes.withLock { $0 } == fired)

        // A second monitor (another API process, or this one restarted) finds it open: no second alert, no second message.
        let second = monitor(store, live, bus, clock)
        clock.advance(1)
        #expect(await second.evaluate().isEmpty)
        #expect(await first.evaluate().isEmpty)
        #expect(try await store.alerts(AlertQuery()).count == 1)

        // Acknowledged through the API, then cleared for the clear time: resolved, with who acknowledged kept.
        _ = try await store.acknowledgeAlert(id: fired[0].alert.id, by: "alice", audit: audit)
        await live.put(CameraLiveState(cameraID: "door", status: .online, updated: clock.now, zones: [.init(name: "queue", occupancy: 1)]))
        #expect(await first.evaluate().isEmpty)
        clock.advance(5)
        await live.put(CameraLiveState(cameraID: "door", status: .online, updated: clock.now, zones: [.init(name: "queue", occupancy: 0)]))
        let resolved = await first.evaluate()
        #expect(resolved.count == 1 && resolved[0].alert.state == .resolved && resolved[0].alert.acknowledgedBy == "alice")
        #expect(await received.next() == .alert(resolved[0]))
        // The other monitor learns of it from the store and does nothing twice.
        #expect(await second.evaluate().isEmpty)
        #expect(queue.changes.withLock { $0.map(\.alert.state) } == [.firing, .resolved])
    }

    @Test func aChangeTheQueueRefusesIsOfferedAgainNextRound() async throws {
        let store = InMemoryStore(), live = InMemoryLiveState(), bus = InProcessEventBus(), clock = WallClock(), queue = RecordingQueue()
        try await store.createCamera(door, audit: audit)
        try await store.saveAlertRule(AlertRule(name: "down", kind: .cameraDown, holdSeconds: 0), audit: audit)
        queue.refusals.withLock { $0 = 1 }
        let monitor = monitor(store, live, bus, clock, queue)
        #expect(await monitor.evaluate().count == 1)
        #expect(queue.changes.withLock { $0.isEmpty })
        clock.advance(1)
        #expect(await monitor.evaluate().isEmpty)
        #expect(queue.changes.withLock { $0.map(\.alert.subject) } == ["camera:door"])
    }

    @Test func everyTenantIsWatchedAndNoneSeesAnothersAlerts() async throws {
        let store = InMemoryStore(), live = InMemoryLiveState(), bus = InProcessEventBus(), clock = WallClock()
        let tenantB = Tenant(id: UUID(), name: "B")
        try await store.saveTenant(tenantB)
        let other = store.scoped(to: tenantB.id)
        var yard = door
        yard.id = "yard"
        try await store.createCamera(door, audit: audit)
        try await other.createCamera(yard, audit: audit)
        try await store.saveAlertRule(AlertRule(name: "down", kind: .cameraDown, holdSeconds: 0), audit: audit)
        try await other.saveAlertRule(AlertRule(name: "down", kind: .cameraDown, holdSeconds: 0), audit: audit)
        let changes = await monitor(store, live, bus, clock).evaluate()
        #expect(Set(changes.map { "\($0.tenantID == tenantB.id ? "B" : "A"):\($0.alert.subject)" }) == ["A:camera:door", "B:camera:yard"])
        #expect(try await store.alerts(AlertQuery()).map(\.subject) == ["camera:door"])
        #expect(try await other.alerts(AlertQuery()).map(\.subject) == ["camera:yard"])
    }
}

/// The anomaly rule over stored history: the monitor reads the same weekday and hour of the
/// last weeks from the store and fires on a planted drop, not on a normal hour.
struct AlertMonitorAnomalyTests {
    /// 10:05 UTC on a weekday: the last settled hour is 09:00–10:00.
    static let now = Date(timeIntervalSince1970: 1_799_834_700)

    func store(current: Int) async throws -> (InMemoryStore, AlertRule) {
        let store = InMemoryStore()
        let audit = AuditEntry(time: Self.now, username: "system", action: "test", target: "test")
        try await store.createCamera(Camera(id: "door", name: "Door", source: "external", geometry: Geometry(
            lines: [CountingLine(name: "entrance", a: Point(x: 0, y: 0), b: Point(x: 9, y: 0))])), audit: audit)
        let hour = Date(timeIntervalSince1970: (Self.now.timeIntervalSince1970 / 3_600).rounded(.down) * 3_600 - 3_600)
        var results: [CountingResult] = []
        for (weeksBack, count) in [(1, 96), (2, 104), (3, 99), (4, 101), (0, current)] {
            let start = hour.addingTimeInterval(-Double(weeksBack) * 7 * 86_400)
            // Spread over two minutes of the hour, as a pipeline stores them; other hours busy too.
            results.append(CountingResult(cameraID: "door", kind: .line, name: "entrance", minute: start.addingTimeInterval(60),
                                          countIn: count / 2, countOut: 3))
            results.append(CountingResult(cameraID: "door", kind: .line, name: "entrance", minute: start.addingTimeInterval(1_800),
                                          countIn: count - count / 2))
            results.append(CountingResult(cameraID: "door", kind: .line, name: "entrance", minute: start.addingTimeInterval(3_600),
                                          countIn: 500))
        }
        try await store.addCountingResults(results)
        let rule = AlertRule(name: "unusual", kind: .countAnomaly, cameraID: "door", threshold: 3.5, holdSeconds: 0, clearSeconds: 0)
        try await store.saveAlertRule(rule, audit: audit)
        return (store, rule)
    }

    func evaluate(_ store: InMemoryStore) async -> [LiveMessage.AlertChange] {
        let now = Self.now
        return await AlertMonitor(store: store, live: InMemoryLiveState(), bus: InProcessEventBus(), wallClock: { now },
                                  logger: Logger(label: "test.alerts")).evaluate()
    }

    @Test func aPlantedDropFires() async throws {
        let (store, rule) = try await store(current: 31)
        let changes = await evaluate(store)
        #expect(changes.count == 1)
        let alert = try #require(changes.first?.alert)
        #expect(alert.ruleID == rule.id && alert.subject == "camera:door/footfall" && alert.value == 31)
        #expect(alert.message.contains("usually 100 (median of 4 weeks)"), "\(alert.message)")
    }

    @Test func aNormalHourDoesNot() async throws {
        let (store, _) = try await store(current: 95)
        #expect(await evaluate(store).isEmpty)
    }
}

/// The closing-imbalance rule over stored crossings, on the day the clocks go forward: the
/// day is 23 hours long and closes at 21:00 summer time.
struct AlertMonitorClosingTests {
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func evaluate(_ store: InMemoryStore, at now: Date) async -> [LiveMessage.AlertChange] {
        await AlertMonitor(store: store, live: InMemoryLiveState(), bus: InProcessEventBus(), wallClock: { now },
                           logger: Logger(label: "test.alerts")).evaluate()
    }

    func store(outs: Int) async throws -> InMemoryStore {
        let store = InMemoryStore()
        let audit = AuditEntry(time: Self.utc("2027-03-28T00:00:00Z"), username: "system", action: "test", target: "test")
        try await store.saveSite(Site(id: "shop", name: "Shop", timeZone: "Europe/Paris"), audit: audit)
        try await store.createCamera(Camera(id: "door", name: "Door", source: "external", geometry: Geometry(
            lines: [CountingLine(name: "entrance", a: Point(x: 0, y: 0), b: Point(x: 9, y: 0))]), siteID: "shop"), audit: audit)
        var crossings: [CrossingRecord] = []
        func add(_ direction: CrossingDirection, _ count: Int, from start: String) {
            for n in 0..<count {
                crossings.append(CrossingRecord(id: "\(direction)-\(start)-\(n)", cameraID: "door", line: "entrance", direction: direction,
                                                trackID: n, time: Self.utc(start).addingTimeInterval(Double(n))))
            }
        }
        add(.in, 5, from: "2027-03-27T22:30:00Z")    // 23:30 the day before (winter time): not this day
        add(.in, 200, from: "2027-03-27T23:10:00Z")  // 00:10 local: this day
        add(.out, outs, from: "2027-03-28T18:00:00Z") // 20:00 local
        add(.out, 7, from: "2027-03-28T19:30:00Z")   // 21:30 local: after closing
        try await store.insertCrossings(crossings)
        try await store.saveAlertRule(AlertRule(name: "balance", kind: .closingImbalance, siteID: "shop", threshold: 0.1,
                                                closingTime: "21:00", holdSeconds: 0, clearSeconds: 0), audit: audit)
        return store
    }

    @Test func aDayThatDoesNotBalanceFiresAfterClosing() async throws {
        let store = try await store(outs: 150)
        // Before closing (and its 2 minutes), the day before is judged: it had no people, so nothing.
        #expect(await evaluate(store, at: Self.utc("2027-03-28T19:01:00Z")).isEmpty)
        let changes = await evaluate(store, at: Self.utc("2027-03-28T19:03:00Z"))
        let alert = try #require(changes.first?.alert)
        #expect(changes.count == 1 && alert.subject == "site:shop/closing" && alert.value == 50)
        #expect(alert.message == "Shop closed on 2027-03-28 with 200 in and 150 out: 50 never seen leaving (25 %)")
    }

    @Test func aDayThatBalancesDoesNot() async throws {
        let store = try await store(outs: 195)
        #expect(await evaluate(store, at: Self.utc("2027-03-28T19:03:00Z")).isEmpty)
    }
}

/// An alert about a camera keeps the camera's picture of that moment, pixelated.
struct AlertSnapshotTests {
    @Test func anAlertThatOpensKeepsTheCamerasBlurredPictureOnce() async throws {
        let store = InMemoryStore(), live = InMemoryLiveState(), bus = InProcessEventBus(), files = InMemoryFileStore()
        let clock = AlertMonitorTests.WallClock()
        let tests = AlertMonitorTests()
        try await store.createCamera(tests.door, audit: tests.audit)
        try await store.saveAlertRule(AlertRule(name: "Queue full", kind: .zoneOccupancy, severity: .critical, cameraID: "door",
                                                zone: "queue", threshold: 3, holdSeconds: 0, clearSeconds: 5), audit: tests.audit)
        let blurred: [UInt8] = [0xFF, 0xD8, 7, 0xFF, 0xD9]
        await live.putSnapshot(cameraID: "door", kind: .blurred, jpeg: blurred)
        await live.putSnapshot(cameraID: "door", kind: .plain, jpeg: [0xFF, 0xD8, 8, 0xFF, 0xD9])
        let monitor = AlertMonitor(store: store, live: live, bus: bus, snapshots: SnapshotSaver(live: live, files: files),
                                   wallClock: { clock.now }, logger: Logger(label: "test.alerts"))
        await live.put(CameraLiveState(cameraID: "door", status: .online, updated: clock.now, zones: [.init(name: "queue", occupancy: 5)]))
        #expect(await monitor.evaluate().count == 1)
        clock.advance(1)
        #expect(await monitor.evaluate().isEmpty)
        let kept = try await store.files(kind: .snapshot, siteIDs: nil, limit: 10)
        #expect(kept.count == 1, "one picture for the alert, none for the rounds after")
        #expect(kept.first?.name.hasSuffix("-alert.jpg") == true)
        #expect(try await files.get(key: kept[0].key) == Data(blurred))
    }
}
