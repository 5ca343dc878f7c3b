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

    final class RecordingQueue: AlertDeliveryQueue {
        let changes = Mutex<[LiveMessage.AlertChange]>([])
        func enqueue(_ change: LiveMessage.AlertChange) async throws { changes.withLock { $0.append(change) } }
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
