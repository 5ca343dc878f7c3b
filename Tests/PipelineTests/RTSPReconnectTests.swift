import CountingCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Messaging
import Metrics
import Pipeline
import Prometheus
import Storage
import Synchronization
import Testing
import Vision

/// A real RTSP server on loopback (GStreamer, `scripts/fixtures/rtsp_server.py`) serving an
/// H.264 clip in which one person crosses the line: the server is killed mid-stream and
/// started again; the camera goes offline, comes back online by itself, and counts again.
@Suite(.enabled(if: RTSPFixture.available, "needs GStreamer's RTSP server (scripts/setup.sh --tests)"))
struct RTSPReconnectTests {
    @Test(arguments: FrameDecoder.allCases)
    func theCameraReportsOfflineThenOnlineAndResumesCounting(decoder: FrameDecoder) async throws {
        let clip = try RTSPFixture.clip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let port = Int.random(in: 20_000...40_000)
        let server = RTSPFixture.Server()
        try server.start(clip: clip, port: port)

        let geometry = try JSONDecoder().decode(Geometry.self, from: Data(SyntheticVideo.geometryJSON.utf8))
        let camera = Camera(id: "rtsp", name: "RTSP", source: "rtsp://127.0.0.1:\(port)/cam", geometry: geometry)
        let store = InMemoryStore()
        try await store.saveCamera(camera)
        let bus = InProcessEventBus()
        let events = bus.subscribe()
        let pipeline = CameraPipeline(
            camera: camera,
            configuration: CameraPipelineConfiguration(realTime: false, loop: false, stallTimeout: .seconds(3),
                                                       decoder: decoder, restartWhenEnded: true),
            store: store, bus: bus, live: InMemoryLiveState(),
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"))
        let supervisor = CameraSupervisor(pipelines: [pipeline], logger: Logger(label: "test"),
                                          initialDelay: .milliseconds(300), maximumDelay: .seconds(1))

        let seen = try await withThrowingTaskGroup(of: [String].self) { group in
            group.addTask {
                try await supervisor.run()
                return []
            }
            group.addTask {
                var seen: [String] = []
                var restarted = false
                for await event in events {
                    switch event {
                    case .status(let status): seen.append(status.status.rawValue)
                    case .crossing(let crossing): seen.append("crossing-\(crossing.direction.rawValue)")
                    case .occupancy, .camera, .alert: continue
                    }
                    // After the first crossing, kill the server; once the camera is offline, start it again.
                    if !restarted, seen.contains("crossing-out"), seen.last == "crossing-out" {
                        await server.stop()
                    }
                    if !restarted, seen.contains("crossing-out"), ["offline", "stalled"].contains(seen.last ?? "") {
                        restarted = true
                        try await Task.sleep(for: .milliseconds(500))
                        try server.start(clip: clip, port: port)
                    }
                    if restarted, seen.filter({ $0 == "crossing-out" }).count >= 2 { return seen }
                }
                return seen
            }
            group.addTask {
                // Only a bound for a broken run: the verdict never depends on it.
                try await Task.sleep(for: .seconds(150))
                throw CancellationError()
            }
            defer { group.cancelAll() }
            var result: [String] = []
            while let value = try await group.next() {
                if !value.isEmpty { result = value; break }
            }
            return result
        }
        await server.stop()

        let firstOnline = try #require(seen.firstIndex(of: "online"))
        let firstCrossing = try #require(seen.firstIndex(of: "crossing-out"))
        let down = try #require(seen[firstCrossing...].firstIndex { $0 == "offline" || $0 == "stalled" })
        let backOnline = try #require(seen[down...].firstIndex(of: "online"))
        #expect(firstOnline < firstCrossing && firstCrossing < down && down < backOnline)
        #expect(seen[backOnline...].contains("crossing-out"))
        let stored = try await store.crossings(cameraID: "rtsp", from: .distantPast, to: .distantFuture)
        #expect(stored.count >= 2)
        #expect(Set(stored.map(\.id)).count == stored.count)
    }
}

enum RTSPFixture {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/fixtures/rtsp_server.py").path

    static var available: Bool {
        if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
        return FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/girepository-1.0/GstRtspServer-1.0.typelib")
    }

    /// The four-passes geometry's first pass only, as H.264 (RTP cannot carry every codec).
    static func clip() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-rtsp-\(UUID().uuidString).mp4").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "ffmpeg", "-v", "error", "-y",
            // Walking pace (60 pixels a second, 1.25 of its heights), so that the person is
            // followed even when a busy machine analyses only a few frames a second.
            "-f", "lavfi", "-i", "color=c=0xf0f0f0:s=320x240:r=25:d=8",
            "-f", "lavfi", "-i", "color=c=0x202020:s=24x48:r=25:d=8",
            "-filter_complex", "[0][1]overlay=x='if(between(t,1,7),-30+(t-1)*60,-100)':y=60:eval=frame",
            "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "10", "-bf", "0",
            "-pix_fmt", "yuv420p", path,
        ]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return path
    }

    /// The running server process, started and stopped from the test's tasks.
    final class Server: Sendable {
        private let process = Mutex<Process?>(nil)

        func start(clip: String, port: Int) throws {
            let started = try RTSPFixture.startServer(clip: clip, port: port)
            process.withLock { $0 = started }
        }

        /// Kills the server at once, as a crash or a pulled cable would, and waits until it is gone.
        func stop() async {
            let running = process.withLock { current -> Process? in
                defer { current = nil }
                return current
            }
            guard let running else { return }
            kill(running.processIdentifier, SIGKILL)
            // Polled rather than waitUntilExit(), which would block a cooperative thread.
            while running.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// Starts the server and waits until it says it is ready.
    static func startServer(clip: String, port: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, clip, String(port)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let ready = output.fileHandleForReading.availableData
        guard String(decoding: ready, as: UTF8.self).contains("ready") else {
            process.terminate()
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "the RTSP server did not start"])
        }
        return process
    }
}
