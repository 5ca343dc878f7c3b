import Foundation
import MessagingRedis
import NIOCore
import NIOPosix

/// A redis-server of the test's own on a free port, started and stopped with `scripts/redis.sh`,
/// for tests that stop the server.
struct RedisServerProcess {
    let port: Int
    let directory: String
    var url: String { "redis://127.0.0.1:\(port)/0" }

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("../../scripts/redis.sh").standardized.path

    /// Picks a free port below Linux's ephemeral range (where outgoing connections could take
    /// it between a stop and a restart) and a scratch directory.
    init() async throws {
        var chosen: Int?
        for _ in 0..<50 where chosen == nil {
            let candidate = Int.random(in: 20_000..<32_000)
            if let channel = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: candidate).get() {
                try await channel.close()
                chosen = candidate
            }
        }
        guard let chosen else { throw CocoaError(.featureUnsupported) }
        port = chosen
        directory = NSTemporaryDirectory() + "footfall-redis-\(port)-\(UUID().uuidString.prefix(8))"
    }

    func start() async throws { try await run("start") }
    func stop() async throws { try await run("stop") }

    // posix_spawn and a polling waitpid rather than Foundation's Process, whose waitUntilExit
    // blocks one of the few threads the tests share.
    private func run(_ command: String) async throws {
        let arguments = ["/bin/bash", Self.script, command, directory, String(port)]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, &argv, environ)
        guard spawned == 0 else { throw RedisError.connectionFailed(host: "redis.sh", port: port, reason: "spawn failed") }
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        guard status == 0 else {
            throw RedisError.connectionFailed(host: "redis.sh \(command)", port: port, reason: "exit status \(status)")
        }
    }
}
