import ArgumentParser
import CountingCore
import FootfallApp
import FootfallSupport
import Foundation
import HummingbirdWSClient
import Logging
import Messaging
import MessagingRedis
import NIOCore
import Synchronization

struct BenchFanout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "Latency from a crossing published by one process to a WebSocket client of an API process (Redis pub/sub).",
        discussion: """
            Starts `footfall serve --no-cameras` as a child process on the Redis of FOOTFALL_REDIS_URL, \
            connects a WebSocket client to it, publishes crossings from this process at --rate per second \
            and times each one until the client has it. The baseline, in the same run, is Redis pub/sub \
            alone: this process publishing to itself.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "Crossings per second.")
    var rate = 1_000

    @Option(help: "Seconds to publish for, per measurement.")
    var seconds = 10

    @Option(help: "Port for the child API process.")
    var port = 18_091

    func run() async throws {
        guard let url = try common.load().redisURL else {
            throw ValidationError("set \(Settings.redisURL.environmentVariable) (scripts/redis.sh start DIR PORT prints one)")
        }
        let configuration = try RedisConfiguration(url: url)
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let channel = "footfall:live"
        let client = RedisClient(configuration: configuration, logger: logger)
        let subscriber = RedisSubscriber(configuration: configuration, logger: logger)
        let bus = RedisEventBus(client: client, subscriber: subscriber, channel: channel, logger: logger)
        let count = rate * seconds

        let dataDirectory = NSTemporaryDirectory() + "footfall-bench-fanout-\(UUID().uuidString.prefix(8))"
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["serve", "--no-cameras", "--port", String(port), "--data-dir", dataDirectory, "--log-level", "warning"]
        child.environment = ProcessInfo.processInfo.environment
        try child.run()
        defer {
            child.terminate()
            child.waitUntilExit()
            try? FileManager.default.removeItem(atPath: dataDirectory)
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            group.addTask { try await subscriber.run() }
            group.addTask { try await bus.run() }
            defer { group.cancelAll() }

            // Baseline: publish to ourselves through Redis.
            let local = bus.subscribe()
            let baseline = try await measure(count: count, publish: { await bus.publish($0) }) { record in
                for await message in local {
                    if case .crossing(let crossing) = message { record(crossing.trackID) }
                }
            }
            print(baseline.line("Redis pub/sub, same process (baseline)"))

            let remote = try await measure(count: count, publish: { await bus.publish($0) }) { record in
                try await connectWhenUp { inbound in
                    for try await frame in inbound.messages(maxSize: 1 << 16) {
                        guard case .text(let text) = frame,
                              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                              object["type"] as? String == "crossing", let track = object["track"] as? Int
                        else { continue }
                        record(track)
                    }
                }
            }
            print(remote.line("crossing → WebSocket client of another process"))
            print(String(format: "p99 ratio to the baseline ×%.1f (target: p99 < 50 ms at %d/s)",
                         remote.p99 / max(baseline.p99, 1e-9), rate))
        }
    }

    struct Figures {
        var sent: Int
        var received: Int
        var p50: Double
        var p99: Double
        var maximum: Double

        func line(_ name: String) -> String {
            name.padding(toLength: 48, withPad: " ", startingAt: 0)
                + String(format: "p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%d of %d)", p50 * 1000, p99 * 1000,
                         maximum * 1000, received, sent)
        }
    }

    /// Publishes `count` crossings at the rate (their track id is their number) while `receive`
    /// records arrivals; each latency is arrival − send.
    private func measure(count: Int, publish: @escaping @Sendable (LiveMessage) async -> Void,
                         receive: @escaping @Sendable (_ record: @escaping @Sendable (Int) -> Void) async throws -> Void)
        async throws -> Figures
    {
        let clock = ContinuousClock()
        let recorder = Recorder(count: count)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await receive { number in recorder.record(number, arrived: clock.now) }
            }
            // Timing starts once the receiver gets messages (track -1 marks the warm-up ones).
            let deadline = clock.now + .seconds(60)
            while !recorder.ready.withLock({ $0 }) {
                guard clock.now < deadline else { throw ValidationError("the receiver never got a message") }
                await publish(.crossing(.init(cameraID: "bench", line: "door", direction: .in, trackID: -1,
                                              time: Date(), totalIn: 0, totalOut: 0)))
                try await Task.sleep(for: .milliseconds(50))
            }
            let start = clock.now
            let interval = Duration.seconds(1) / rate
            for number in 0..<count {
                try await clock.sleep(until: start + interval * number)
                recorder.sent.withLock { $0[number] = clock.now }
                await publish(.crossing(.init(cameraID: "bench", line: "door", direction: .in, trackID: number,
                                              time: Date(), totalIn: number + 1, totalOut: 0)))
            }
            try await Task.sleep(for: .seconds(1))
            group.cancelAll()
            let sorted = recorder.latencies.withLock { $0 }.sorted()
            func percentile(_ p: Double) -> Double {
                sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
            }
            return Figures(sent: count, received: sorted.count, p50: percentile(0.5), p99: percentile(0.99),
                           maximum: sorted.last ?? .nan)
        }
    }

    /// Send times and latencies, shared by the publishing and receiving tasks.
    final class Recorder: Sendable {
        let sent: Mutex<[ContinuousClock.Instant?]>
        let latencies = Mutex([Double]())
        let ready = Mutex(false)

        init(count: Int) {
            sent = Mutex([ContinuousClock.Instant?](repeating: nil, count: count))
        }

        func record(_ number: Int, arrived: ContinuousClock.Instant) {
            if number == -1 { ready.withLock { $0 = true } }
            guard number >= 0, let start = sent.withLock({ $0.indices.contains(number) ? $0[number] : nil }) else { return }
            let duration = start.duration(to: arrived)
            latencies.withLock {
                $0.append(duration.inSeconds)
            }
        }
    }

    /// Connects to the child's WebSocket, retrying while it starts.
    private func connectWhenUp(_ handle: @escaping @Sendable (WebSocketInboundStream) async throws -> Void) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        var logger = Logger(label: "bench.ws")
        logger.logLevel = .critical
        while true {
            do {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/live/ws", logger: logger) { inbound, _, _ in
                    try await handle(inbound)
                }
                return
            } catch is CancellationError {
                return
            } catch {
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
