import FootfallTestSupport
import Foundation

/// A redis-server of the test's own on a free port, started and stopped with `scripts/redis.sh`,
/// for tests that stop the server.
struct RedisServerProcess {
    let port: Int
    let directory: String
    var url: String { "redis://127.0.0.1:\(port)/0" }

    /// Picks a free port (below Linux's ephemeral range, so an outgoing connection cannot take it
    /// between a stop and a restart) and a scratch directory.
    init() throws {
        port = try FreePort.find()
        directory = NSTemporaryDirectory() + "footfall-redis-\(port)-\(UUID().uuidString.prefix(8))"
    }

    func start() async throws { try await run("start") }
    func stop() async throws { try await run("stop") }

    private func run(_ command: String) async throws {
        try await ChildProcess.run("/bin/bash", [Repository.script("redis.sh"), command, directory, String(port)],
                                   includeErrors: true)
    }
}
