import CountingCore
import FootfallTestSupport
import Foundation
import Logging
import Messaging
import MessagingRedis
import Pipeline
import Prometheus
import Storage
import Testing

/// Redis restarts empty under two workers sharing one camera: the lease is taken again by
/// one worker only, with a newer token, and the live counts come back from the store.
@Suite(.enabled(if: TestRedis.available, "needs redis-server (scripts/test.sh)"))
struct RedisRestartTests {
    @Test func leasesRecoverWithoutTwoOwnersAndLiveCountsComeBack() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        do {
            try await run(on: server)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    private func run(on server: RedisServerProcess) async throws {
        var configuration = try RedisConfiguration(url: server.url)
        configuration.commandTimeout = .seconds(1)
        let store = InMemoryStore()
        let camera = Camera(id: "smart", name: "Smart", source: CameraSource.externalText,
                            geometry: Geometry(lines: [CountingLine(name: "door", a: Point(x: 0, y: 0), b: Point(x: 0, y: 100))]))
        try await store.saveCamera(camera)
        try await store.insertCrossings([
            CrossingRecord(id: "one", cameraID: "smart", line: "door", direction: .in, trackID: 1, time: Date().addingTimeInterval(-2)),
            CrossingRecord(id: "two", cameraID: "smart", line: "door", direction: .out, trackID: 2, time: Date().addingTimeInterval(-1)),
        ])
        let logger = Logger(label: "test.redis-restart")
        let clients = (0..<3).map { _ in RedisClient(configuration: configuration, logger: logger) }
        let workers = (0..<2).map { i in
            CameraSupervisor(
                pipelines: [CameraPipeline(
                    camera: camera, configuration: CameraPipelineConfiguration(stallTimeout: .seconds(120)), store: store,
                    inbox: InProcessDetectionInbox(), bus: InProcessEventBus(),
                    live: RedisLiveState(client: clients[i], heartbeatTimeout: .seconds(2), logger: logger),
                    metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
                    logger: logger)],
                // Leases of a few seconds: a worker stops within half its lease of losing it, so
                // the margin must outlast the pauses of a loaded machine.
                leasing: .init(leases: RedisCameraLeases(client: clients[i], gracePeriod: .seconds(5)), owner: "worker-\(i)",
                               duration: .seconds(5)),
                logger: logger, initialDelay: .milliseconds(100))
        }
        let leases = RedisCameraLeases(client: clients[2], gracePeriod: .seconds(5))
        let reader = RedisLiveState(client: clients[2], logger: logger)
        func waitForCounts() async throws -> CameraLiveState? {
            var state: CameraLiveState?
            try await eventually("the camera's live counts") {
                state = await reader.state(cameraID: "smart")
                return state.map { $0.status != .offline } ?? false
            }
            return state
        }
        func waitForHolder(newerThan token: Int64) async throws -> CameraLease? {
            var lease: CameraLease?
            try await eventually("a holder of the camera with a token above \(token)") {
                lease = try? await leases.holder(cameraID: "smart")
                return lease.map { $0.token > token } ?? false
            }
            return lease
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { try await client.run() } }
            for worker in workers { group.addTask { try await worker.run() } }
            defer { group.cancelAll() }

            let firstLease = try #require(try await waitForHolder(newerThan: 0))
            let before = try #require(try await waitForCounts())
            #expect(before.lines == [.init(name: "door", countIn: 1, countOut: 1)])

            // Redis restarts with nothing: no lease, no live state.
            try await server.stop()
            try await server.start()
            // After the grace period one worker holds the camera again, with a newer token,
            // and the live counts are back, rebuilt from the store.
            let secondLease = try #require(try await waitForHolder(newerThan: firstLease.token))
            #expect(secondLease.token > firstLease.token)
            let after = try #require(try await waitForCounts())
            #expect(after.lines == [.init(name: "door", countIn: 1, countOut: 1)])
        }
        // Both workers wrote their runs to one store: runs never overlapped.
        let events = try await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture, limit: 1_000)
        var running = 0
        for event in events.reversed() {
            if event.status == .connecting { running += 1 }
            if event.status == .offline || event.status == .failed { running -= 1 }
            #expect(running <= 1, "two workers counted the camera at once")
        }
        #expect(events.filter { $0.status == .connecting }.count >= 2)
    }
}
