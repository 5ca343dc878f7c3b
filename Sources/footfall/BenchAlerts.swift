import Alerting
import ArgumentParser
import CountingCore
import FootfallSupport
import Foundation
import Logging
import Messaging
import Storage
import StorageSQLite

struct BenchAlerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Time from a live change to its alert published, with many cameras and rules.",
        discussion: """
            Stores --cameras cameras with a zone each in 10 sites (SQLite, in a temporary directory), \
            and 3 rules over every camera: camera down, zone above 5 people, site above its capacity. \
            The alert monitor runs every --interval-ms; a zone of a random camera is filled, and the \
            time until its alert is published (and, emptied, resolved) is measured --triggers times. \
            The baseline, in the same run, is a round of the monitor with no rules at all.
            """)

    @Option(help: "Cameras (each with one zone and one line).")
    var cameras = 1_000

    @Option(help: "Changes to time.")
    var triggers = 100

    @Option(help: "Milliseconds between rounds of the alert monitor.")
    var intervalMs = 500

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let directory = NSTemporaryDirectory() + "footfall-bench-alerts-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/footfall.sqlite")
        let live = InMemoryLiveState(), bus = InProcessEventBus(bufferSize: 100_000)
        let audit = AuditEntry(time: Date(), username: "bench", action: "bench", target: "bench")
        let zone = Zone(name: "queue", polygon: [Point(x: 0, y: 0), Point(x: 9, y: 0), Point(x: 0, y: 9)])
        let line = CountingLine(name: "door", a: Point(x: 0, y: 5), b: Point(x: 9, y: 5))
        for site in 0..<10 { try await store.saveSite(Site(id: "site-\(site)", name: "Site \(site)"), audit: audit) }
        for index in 0..<cameras {
            try await store.saveCamera(Camera(id: "cam-\(index)", name: "Camera \(index)", source: "external",
                                              geometry: Geometry(lines: [line], zones: [zone]), siteID: "site-\(index % 10)"))
        }
        func putAll(occupancy: [String: Int] = [:]) async {
            for index in 0..<cameras {
                let id = "cam-\(index)"
                await live.put(CameraLiveState(cameraID: id, status: .online, framesPerSecond: 10, updated: Date(),
                                               lines: [.init(name: "door", countIn: 3, countOut: 1)],
                                               zones: [.init(name: "queue", occupancy: occupancy[id] ?? 0)]))
            }
        }
        await putAll()
        let clock = ContinuousClock()
        let monitor = AlertMonitor(store: store, live: live, bus: bus, interval: .milliseconds(intervalMs), logger: logger)

        // Baseline: rounds with no rules (reading tenants, cameras and live states only).
        func rounds(_ count: Int) async -> [Double] {
            var samples: [Double] = []
            for _ in 0..<count {
                let elapsed = await clock.measure { _ = await monitor.evaluate() }
                samples.append(elapsed.inSeconds * 1000)
            }
            return samples.sorted()
        }
        let empty = await rounds(20)
        try await store.saveAlertRule(AlertRule(name: "down", kind: .cameraDown, holdSeconds: 60), audit: audit)
        try await store.saveAlertRule(AlertRule(name: "queue", kind: .zoneOccupancy, threshold: 5, holdSeconds: 0, clearSeconds: 0),
                                      audit: audit)
        for site in 0..<10 {
            try await store.saveAlertRule(AlertRule(name: "site \(site)", kind: .siteOccupancy, siteID: "site-\(site)",
                                                    threshold: Double(cameras), holdSeconds: 0, clearSeconds: 0), audit: audit)
        }
        let full = await rounds(20)
        print(String(format: "round of the monitor, %d cameras × 3 rules: p50 %.1f ms, max %.1f ms; baseline without rules: p50 %.1f ms (%.1f×)",
                     cameras, full[full.count / 2], full.last ?? 0, empty[empty.count / 2],
                     full[full.count / 2] / max(empty[empty.count / 2], 0.001)))

        let messages = bus.subscribe()
        var latencies: [Double] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await monitor.run() }
            var iterator = messages.makeAsyncIterator()
            var generator = SystemRandomNumberGenerator()
            var lastRefresh = clock.now
            for _ in 0..<triggers {
                if lastRefresh.duration(to: clock.now) > .seconds(10) {
                    // Every camera keeps reporting, so none goes silent.
                    await putAll()
                    lastRefresh = clock.now
                }
                let camera = "cam-\(Int.random(in: 0..<cameras, using: &generator))"
                let subject = "camera:\(camera)/zone:queue"
                for (occupancy, state) in [(9, Alert.State.firing), (0, .resolved)] {
                    let start = clock.now
                    var current = await live.state(cameraID: camera)!
                    current.zones[0].occupancy = occupancy
                    current.updated = Date()
                    await live.put(current)
                    while let message = await iterator.next() {
                        if case .alert(let change) = message, change.alert.subject == subject, change.alert.state == state { break }
                    }
                    latencies.append(start.duration(to: clock.now).inSeconds * 1000)
                }
            }
            group.cancelAll()
        }
        latencies.sort()
        let p50 = latencies[latencies.count / 2], p99 = latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]
        print(String(format: "change → alert published (fired or resolved), %d changes, rounds every %d ms: p50 %.0f ms, p99 %.0f ms, max %.0f ms; target p99 < 1000 ms",
                     latencies.count, intervalMs, p50, p99, latencies.last ?? 0))
    }
}
