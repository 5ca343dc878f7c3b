import ArgumentParser
import FootfallSupport
import Foundation
import NIOCore
import NIOPosix
import Synchronization

struct BenchConnections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "The API under idle and slow-header connections from a hostile client, against itself unloaded.",
        discussion: """
            Starts `footfall serve --no-cameras` (default limits) as a child process, then measures from \
            127.0.0.2: /healthz latency at a fixed rate and GET /api/v1/live throughput (closed loop), \
            first unloaded, then while attacker processes on 127.0.0.1 open --idle connections that \
            send nothing and --slow ones that send a header byte a second. Prints both, their ratio, \
            and the server's memory before, during and --settle seconds after the attack.
            """)

    @Option(help: "Idle connections the attackers open.")
    var idle = 20_000

    @Option(help: "Slow-header connections the attackers open.")
    var slow = 200

    @Option(help: "Seconds per measurement.")
    var seconds = 6

    @Option(help: "Seconds after the attack before memory is read again.")
    var settle = 60

    @Option(help: "Port for the child API process.")
    var port = 18_093

    @Option(help: .hidden)
    var attackPort: Int?

    func run() async throws {
        if let attackPort {
            try await attack(port: attackPort)
            return
        }
        let server = try await BenchServer.start(port: port)
        defer { server.stop() }
        let token = try await server.signIn()
        try await server.addCameras(20, token: token)
        let auth = [("Authorization", "Bearer \(token)")]
        // Warm up.
        _ = try await HTTPThroughput(port: port, path: "/api/v1/live", headers: auth, duration: .seconds(2), connections: 8,
                                     source: "127.0.0.2").run()
        let baselineMemory = server.residentMebibytes
        let quietHealth = try await HTTPLoad(port: port, path: "/healthz", rate: 200, duration: .seconds(seconds), connections: 4,
                                             source: "127.0.0.2").run()
        let quietLive = try await HTTPThroughput(port: port, path: "/api/v1/live", headers: auth, duration: .seconds(seconds),
                                                 connections: 8, source: "127.0.0.2").run()
        print(quietHealth.line("GET /healthz, unloaded"))
        print(String(format: "GET /api/v1/live, unloaded: %.0f answers/s (%d failed)", quietLive.perSecond, quietLive.failed))

        // Two attacker processes: one process may hold only so many files.
        let attackers = try (0..<2).map { index in try startAttacker(idle: idle / 2 + (index == 0 ? idle % 2 : 0), slow: slow / 2) }
        defer { for attacker in attackers where attacker.isRunning { attacker.terminate() } }
        var held = 0
        for attacker in attackers { held += try await readyLine(attacker) }
        let loadedHealth = try await HTTPLoad(port: port, path: "/healthz", rate: 200, duration: .seconds(seconds), connections: 4,
                                              source: "127.0.0.2").run()
        let loadedLive = try await HTTPThroughput(port: port, path: "/api/v1/live", headers: auth, duration: .seconds(seconds),
                                                  connections: 8, source: "127.0.0.2").run()
        let peakMemory = server.residentMebibytes
        for attacker in attackers {
            attacker.terminate()
            attacker.waitUntilExit()
        }
        print("attack: \(idle) idle and \(slow) slow-header connections from 127.0.0.1, \(held) still open 3 s later from the attacker's side")
        print(loadedHealth.line("GET /healthz, under attack"))
        print(String(format: "GET /api/v1/live, under attack: %.0f answers/s (%d failed)", loadedLive.perSecond, loadedLive.failed))
        try await Task.sleep(for: .seconds(settle))
        let afterMemory = server.residentMebibytes
        print(String(format: "/healthz p99 %.2f ms under attack (target < 50 ms); /api/v1/live ×%.2f its unloaded throughput (target ≥ 0.5)",
                     loadedHealth.p99 * 1000, loadedLive.perSecond / max(quietLive.perSecond, 1e-9)))
        print(String(format: "server memory: %.0f MiB before, %.0f MiB under attack, %.0f MiB %d s after: ×%.2f the baseline (target ≤ 1.10)",
                     baselineMemory, peakMemory, afterMemory, settle, afterMemory / baselineMemory))
    }

    private func startAttacker(idle: Int, slow: Int) throws -> Process {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["bench", "connections", "--attack-port", String(port), "--idle", String(idle), "--slow", String(slow)]
        child.standardOutput = Pipe()
        try child.run()
        return child
    }

    /// Waits for an attacker's "held N" line; returns N.
    private func readyLine(_ attacker: Process) async throws -> Int {
        guard let pipe = attacker.standardOutput as? Pipe else { return 0 }
        let handle = pipe.fileHandleForReading
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                var text = ""
                while !text.contains("\n") {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    text += String(decoding: data, as: UTF8.self)
                }
                guard let number = Int(text.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") else {
                    continuation.resume(throwing: ValidationError("an attacker did not start: \(text)"))
                    return
                }
                continuation.resume(returning: number)
            }
        }
    }

    /// The attacker: opens the connections from 127.0.0.1, says how many the server still holds
    /// 3 s later, then keeps the slow ones trickling until it is stopped.
    private func attack(port: Int) async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let group = MultiThreadedEventLoopGroup.singleton
        let open = Atomic<Int>(0)
        var channels: [any Channel] = []
        let local = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
        for batch in stride(from: 0, to: idle + slow, by: 500) {
            let futures = (batch..<min(idle + slow, batch + 500)).map { _ in
                ClientBootstrap(group: group)
                    .bind(to: local)
                    .channelInitializer { channel in
                        open.add(1, ordering: .relaxed)
                        channel.closeFuture.whenComplete { _ in open.subtract(1, ordering: .relaxed) }
                        return channel.eventLoop.makeSucceededVoidFuture()
                    }
                    .connect(host: "127.0.0.1", port: port)
            }
            for future in futures {
                if let channel = try? await future.get() { channels.append(channel) }
            }
        }
        let slowOnes = channels.suffix(slow)
        for channel in slowOnes {
            channel.writeAndFlush(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "), promise: nil)
        }
        // Refused connections are closed by the server within its 2 s grace: count after it.
        try await Task.sleep(for: .seconds(3))
        // Written straight to the pipe (print is buffered): the parent waits for this line.
        FileHandle.standardOutput.write(Data("held \(open.load(ordering: .relaxed))\n".utf8))
        while true {
            try await Task.sleep(for: .seconds(1))
            for channel in slowOnes where channel.isActive { channel.writeAndFlush(ByteBuffer(string: "a"), promise: nil) }
        }
    }
}
