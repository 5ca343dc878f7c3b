import ArgumentParser
import AsyncHTTPClient
import CountingCore
import Evaluation
import FootfallApp
import FootfallSupport
import Foundation
import NIOCore
import Storage

struct Drill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Push synthetic people to many cameras through the API, then compare the stored crossings and minute results with the truth.",
        discussion: """
            The failover drill's cameras: `scripts/drill.sh` starts the servers, the API processes and \
            the workers, runs this, and kills, restarts and freezes them meanwhile. This adds cameras \
            drill-000, drill-001, … (an external source and one line) to the store, signs in as \
            --username with the password in FOOTFALL_DRILL_PASSWORD, pushes each camera's scene at \
            --fps frames/s for --seconds, waits for the crossings and minute results to be stored, \
            and prints (the last line is the crossings')
              drill: minute results expected=N stored=N lost=N doubled=N
              drill: expected=N stored=N lost=N doubled=N failover_p99_s=X api_p99_ms=Y
            It exits non-zero when a crossing or a minute result's count is lost or doubled, or a \
            frame could not be pushed.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "The API's address (the load balancer in front of the API processes).")
    var api = "http://127.0.0.1:8080"

    @Option(help: "Cameras to simulate.")
    var cameras = 300

    @Option(help: "Frames per second each camera pushes.")
    var fps = 5.0

    @Option(help: "Seconds of video each camera pushes.")
    var seconds = 300.0

    @Option(help: "Seconds to wait after the last push for every crossing to be stored.")
    var settle = 180.0

    @Option(help: "The user to push as (an operator or administrator).")
    var username = "admin"

    @Option(help: ArgumentHelp(
        "What drill.sh does when, in seconds after scene time 0: T=KIND,… with KIND kill, freeze, rabbitmq or redis.",
        discussion: "Each camera's worst lag in the 30 s after an incident (until the next one) is its gap; "
            + "failover_p99_s is over kills and freezes, for the cameras that lagged over 3.5 s then. "
            + "The line \"drill: scene time 0\" on standard error marks the start."))
    var incidents = ""

    @Flag(help: "Print each camera's lag on standard error every second: \"drill: lag T CAMERA SECONDS\".")
    var traceLag = false

    /// The incidents named by `--incidents`, in time order.
    var schedule: [(at: Double, kind: String)] {
        get throws {
            try incidents.split(separator: ",").map { item in
                let parts = item.split(separator: "=")
                guard parts.count == 2, let at = Double(parts[0]), at >= 0,
                      ["kill", "freeze", "rabbitmq", "redis"].contains(String(parts[1])) else {
                    throw ValidationError("--incidents: \"\(item)\" is not T=kill, T=freeze, T=rabbitmq or T=redis")
                }
                return (at, String(parts[1]))
            }.sorted { $0.at < $1.at }
        }
    }

    func validate() throws {
        guard cameras > 0, cameras <= 10_000 else { throw ValidationError("--cameras: give 1 to 10000") }
        guard fps > 0, fps <= 30 else { throw ValidationError("--fps: give more than 0 and at most 30") }
        guard seconds >= 10 else { throw ValidationError("--seconds: give at least 10") }
        guard settle >= 0 else { throw ValidationError("--settle: give 0 or more") }
        _ = try schedule
    }

    func run() async throws {
        guard let password = ProcessInfo.processInfo.environment["FOOTFALL_DRILL_PASSWORD"], !password.isEmpty else {
            throw ValidationError("set FOOTFALL_DRILL_PASSWORD to the password of --username")
        }
        let configuration = try common.load()
        let ids = (0..<cameras).map { String(format: "drill-%03d", $0) }
        let scenes = ids.indices.map { DrillScene(seed: UInt64($0 + 1), duration: seconds) }
        let api = self.api.hasSuffix("/") ? String(self.api.dropLast()) : self.api
        let summary = try await FootfallApp.withStore(configuration: configuration, logger: CommonOptions.logger(configuration)) {
            [self] store in
            for id in ids {
                try await store.saveCamera(Camera(id: id, name: "Drill \(id.suffix(3))", source: "external",
                                                  geometry: Geometry(lines: [DrillScene.line])))
            }
            var pool = HTTPClient.Configuration()
            pool.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: pool)
            do {
                let summary = try await exercise(store: store, client: client, api: api, password: password, ids: ids, scenes: scenes)
                try await client.shutdown()
                return summary
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
        print(summary.lines.joined(separator: "\n"))
        if !summary.passed { throw ExitCode(1) }
    }

    struct Summary: Sendable {
        var lines: [String]
        var passed: Bool
    }

    private func exercise(store: any FootfallStore, client: HTTPClient, api: String, password: String, ids: [String],
                          scenes: [DrillScene]) async throws -> Summary {
        let token = try await signIn(client: client, api: api, password: password)
        let clock = ContinuousClock()
        // The incidents are measured on a fleet that counts every camera already.
        let placed = try await waitUntilHeld(client: client, api: api, token: token, cameras: Set(ids))
        // Scene time 0 is the next whole second but two: every frame time is a whole millisecond.
        let wall = Date()
        let lead = 3 - wall.timeIntervalSince1970.truncatingRemainder(dividingBy: 1)
        let origin = wall.addingTimeInterval(lead)
        let originInstant = clock.now.advanced(by: .seconds(lead))
        let figures = DrillFigures()
        let pushingEnds = originInstant.advanced(by: .seconds(seconds + 2))
        let giveUpAt = pushingEnds.advanced(by: .seconds(settle))
        let unsent = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, id) in ids.enumerated() {
                let camera = DrillCamera(id: id, scene: scenes[index], framesPerSecond: fps, duration: seconds, origin: origin,
                                         originInstant: originInstant, phase: Double(index) / Double(ids.count))
                group.addTask { await camera.run(client: client, api: api, token: token, figures: figures, giveUpAt: giveUpAt) }
            }
            group.addTask {
                try await clock.sleep(until: originInstant)
                FileHandle.standardError.write(Data("drill: scene time 0\n".utf8))
                return 0
            }
            group.addTask {
                try await watchLive(client: client, api: api, token: token, figures: figures, cameras: Set(ids), origin: origin,
                                    from: originInstant.advanced(by: .seconds(5)), until: pushingEnds)
                return 0
            }
            return try await group.reduce(0, +)
        }
        let window = (from: origin.addingTimeInterval(-60), to: origin.addingTimeInterval(seconds + 60))
        let stored = try await waitForTotals(ids: ids, scenes: scenes) { id in
            try await store.crossingTotals(cameraID: id, from: window.from, to: window.to)[DrillScene.line.name] ?? CrossingTotals()
        }
        let minutes = try await waitForTotals(ids: ids, scenes: scenes) { id in
            let series = try await store.countSeries(cameraID: id, from: window.from.addingTimeInterval(-60),
                                                     to: window.to.addingTimeInterval(60), bucket: .hour)
            let buckets = series.lines[DrillScene.line.name] ?? []
            return CrossingTotals(countIn: buckets.map(\.countIn).reduce(0, +), countOut: buckets.map(\.countOut).reduce(0, +))
        }
        let incidents = try schedule
        var summary = summarise(ids: ids, scenes: scenes, stored: stored, minutes: minutes, figures: figures, unsent: unsent,
                                incidents: incidents)
        summary.lines.insert("drill: every camera held by a worker \(String(format: "%.1f", placed)) s after it was added", at: 0)
        return summary
    }

    private func signIn(client: HTTPClient, api: String, password: String) async throws -> String {
        var request = HTTPClientRequest(url: "\(api)/api/v1/sessions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let body = try JSONSerialization.data(withJSONObject: ["username": username, "password": password])
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 16))
        guard response.status.code == 201,
              let token = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["token"] as? String else {
            throw ValidationError("signing in as \(username) at \(api) failed: \(response.status.code) \(String(decoding: data, as: UTF8.self))")
        }
        return token
    }

    /// One read of `/api/v1/live`: the answer's body.
    private func readLive(client: HTTPClient, api: String, token: String) async throws -> Data {
        var request = HTTPClientRequest(url: "\(api)/api/v1/live")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await client.execute(request, timeout: .seconds(15))
        return Data(buffer: try await response.body.collect(upTo: 64 << 20))
    }

    /// The cameras listed in a `/api/v1/live` answer.
    private static func liveCameras(in body: Data) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["cameras"] as? [[String: Any]] ?? []
    }

    /// Waits until a worker runs every camera (each is in the live state, connecting or online),
    /// at most 120 s; returns the seconds it took.
    private func waitUntilHeld(client: HTTPClient, api: String, token: String, cameras: Set<String>) async throws -> Double {
        let clock = ContinuousClock()
        let started = clock.now
        while started.duration(to: clock.now) < .seconds(120) {
            if let body = try? await readLive(client: client, api: api, token: token) {
                let held = Set(Self.liveCameras(in: body).compactMap { camera -> String? in
                    guard let id = camera["id"] as? String, let status = camera["status"] as? String,
                          status == "connecting" || status == "online" else { return nil }
                    return id
                })
                if cameras.isSubset(of: held) { break }
            }
            try await clock.sleep(for: .milliseconds(500))
        }
        return started.duration(to: clock.now).inSeconds
    }

    /// Reads the live state once a second: how long each API read takes, and how far each
    /// camera's live state lags behind the wall clock (the gap an operator sees during a failover).
    private func watchLive(client: HTTPClient, api: String, token: String, figures: DrillFigures, cameras: Set<String>,
                           origin: Date, from: ContinuousClock.Instant, until: ContinuousClock.Instant) async throws {
        let clock = ContinuousClock()
        try await clock.sleep(until: from)
        var next = from
        // The last update seen of each camera: one missing from a read (or every camera, when a
        // read fails) lags by at least the time since.
        var lastSeen: [String: Date] = [:]
        while next < until {
            let started = clock.now
            do {
                let data = try await readLive(client: client, api: api, token: token)
                let elapsed = started.duration(to: clock.now)
                figures.readLive(seconds: elapsed.inSeconds)
                for camera in Self.liveCameras(in: data) {
                    guard let id = camera["id"] as? String, cameras.contains(id),
                          let text = camera["updated"] as? String, let updated = try? Date(text, strategy: .iso8601) else { continue }
                    lastSeen[id] = updated
                }
            } catch {
                figures.readLive(seconds: 15)
            }
            let now = Date()
            for (id, updated) in lastSeen {
                figures.lag(camera: id, seconds: now.timeIntervalSince(updated), at: now.timeIntervalSince(origin))
                if traceLag {
                    let line = String(format: "drill: lag %.0f %@ %.1f\n", now.timeIntervalSince(origin), id, now.timeIntervalSince(updated))
                    FileHandle.standardError.write(Data(line.utf8))
                }
            }
            next = next.advanced(by: .seconds(1))
            try await clock.sleep(until: next)
        }
    }

    /// Each camera's stored crossings, or its minute results' line counts, once they stop
    /// changing: all as expected, or no change for 30 s, or `settle` seconds after the last push.
    private func waitForTotals(ids: [String], scenes: [DrillScene],
                               read: (String) async throws -> CrossingTotals) async throws -> [CrossingTotals] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(settle))
        let expected = scenes.map { CrossingTotals(countIn: $0.crossingsIn, countOut: $0.crossingsOut) }
        var last: [CrossingTotals] = []
        var unchangedSince = clock.now
        while true {
            var totals: [CrossingTotals] = []
            for id in ids { totals.append(try await read(id)) }
            if totals != last {
                last = totals
                unchangedSince = clock.now
            }
            if totals == expected || clock.now >= deadline || unchangedSince.duration(to: clock.now) > .seconds(30) {
                return totals
            }
            try await clock.sleep(for: .seconds(2))
        }
    }

    /// Losses and doublings of `stored` against each scene's truth, and the cameras that differ.
    private static func compare(_ stored: [CrossingTotals], with scenes: [DrillScene], ids: [String])
        -> (expected: Int, stored: Int, lost: Int, doubled: Int, wrong: [String]) {
        var expected = 0, total = 0, lost = 0, doubled = 0
        var wrong: [String] = []
        for (index, scene) in scenes.enumerated() {
            let truth = [scene.crossingsIn, scene.crossingsOut]
            let found = [stored[index].countIn, stored[index].countOut]
            expected += truth.reduce(0, +)
            total += found.reduce(0, +)
            for (want, got) in zip(truth, found) {
                lost += max(0, want - got)
                doubled += max(0, got - want)
            }
            if truth != found { wrong.append("\(ids[index]) in \(found[0])/\(truth[0]) out \(found[1])/\(truth[1])") }
        }
        return (expected, total, lost, doubled, wrong)
    }

    private func summarise(ids: [String], scenes: [DrillScene], stored: [CrossingTotals], minutes: [CrossingTotals],
                           figures: DrillFigures, unsent: Int, incidents: [(at: Double, kind: String)]) -> Summary {
        let crossings = Self.compare(stored, with: scenes, ids: ids)
        let results = Self.compare(minutes, with: scenes, ids: ids)
        let lags = figures.worstLags(cameras: ids, whole: seconds)
        let pushes = figures.pushLatencies
        let reads = figures.liveLatencies
        let all = pushes + reads
        func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }
        func s(_ seconds: Double) -> String { String(format: "%.1f", seconds) }
        var lines = [
            "drill: cameras=\(ids.count) fps=\(fps) seconds=\(Int(seconds)) frames_accepted=\(figures.framesAccepted) "
                + "frames_taken_before=\(figures.framesTakenBefore) frames_refused=\(figures.framesRefused) "
                + "frames_unsent=\(unsent) pushes_tried_again=\(figures.failedPushes)",
            "drill: camera lag behind the wall clock, worst per camera: p50=\(s(DrillFigures.quantile(lags, 0.5)))s "
                + "p99=\(s(DrillFigures.quantile(lags, 0.99)))s max=\(s(lags.max() ?? 0))s",
            "drill: api pushes p50=\(ms(DrillFigures.quantile(pushes, 0.5)))ms p99=\(ms(DrillFigures.quantile(pushes, 0.99)))ms "
                + "max=\(ms(pushes.max() ?? 0))ms (\(pushes.count)); live reads p50=\(ms(DrillFigures.quantile(reads, 0.5)))ms "
                + "p99=\(ms(DrillFigures.quantile(reads, 0.99)))ms max=\(ms(reads.max() ?? 0))ms (\(reads.count))",
        ]
        lines += figures.timeline
        // Each incident's gaps: the worst lag of each camera that lagged in the 30 s after it.
        var failover: [Double] = []
        var byKind: [String: [Double]] = [:]
        for (index, incident) in incidents.enumerated() {
            let until = min(incident.at + 30, index + 1 < incidents.count ? incidents[index + 1].at : .infinity)
            let gaps = figures.gaps(from: incident.at, until: until, threshold: 3.5)
            byKind[incident.kind, default: []] += gaps
            if incident.kind == "kill" || incident.kind == "freeze" { failover += gaps }
        }
        for kind in ["kill", "freeze", "rabbitmq", "redis"] where incidents.contains(where: { $0.kind == kind }) {
            let gaps = byKind[kind] ?? []
            lines.append("drill: gap after \(kind) (cameras that lagged over 3.5 s): n=\(gaps.count) "
                         + "p50=\(s(DrillFigures.quantile(gaps, 0.5)))s p99=\(s(DrillFigures.quantile(gaps, 0.99)))s max=\(s(gaps.max() ?? 0))s")
        }
        // Without a schedule, the worst lag of each camera over the whole drill stands for the failover gap.
        let failoverP99 = incidents.isEmpty ? DrillFigures.quantile(lags, 0.99) : DrillFigures.quantile(failover, 0.99)
        for (reason, count) in figures.refusals.sorted(by: { $0.key < $1.key }) {
            lines.append("drill: refused \(count)×: \(reason)")
        }
        for camera in crossings.wrong.prefix(20) { lines.append("drill: camera \(camera)") }
        for camera in results.wrong.prefix(20) { lines.append("drill: minute results of camera \(camera)") }
        lines.append("drill: minute results expected=\(results.expected) stored=\(results.stored) lost=\(results.lost) "
                     + "doubled=\(results.doubled)")
        lines.append("drill: expected=\(crossings.expected) stored=\(crossings.stored) lost=\(crossings.lost) doubled=\(crossings.doubled) "
                     + "failover_p99_s=\(s(failoverP99)) api_p99_ms=\(ms(DrillFigures.quantile(all, 0.99)))")
        let exact = crossings.lost == 0 && crossings.doubled == 0 && results.lost == 0 && results.doubled == 0
        return Summary(lines: lines, passed: exact && unsent == 0 && figures.framesRefused == 0)
    }
}
