import Foundation
import NIOCore
import NIOPosix

/// A dedicated throw-away RabbitMQ node for one test, on free ports, driven by `scripts/rabbitmq.sh`;
/// used where a test must disturb the broker (restart it, force-close connections).
struct RabbitMQTestNode: Sendable {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scripts/rabbitmq.sh").standardizedFileURL.path

    let directory: String
    let port: Int
    let url: String
    var nodeName: String { "footfall\(port)@localhost" }

    /// Starts a node on a port whose distribution port (port + 100) is free too.
    /// Another test's node or an outgoing connection may take the port meanwhile: try again
    /// on other ports.
    static func start() async throws -> RabbitMQTestNode {
        var failure: (any Error)?
        for _ in 0..<3 {
            let port = try await freePort()
            let directory = NSTemporaryDirectory() + "footfall-amqp-test-\(port)"
            do {
                let output = try await run("/bin/bash", [script, "start", directory, "\(port)"])
                let url = output.split(separator: "\n").last.map(String.init) ?? ""
                return RabbitMQTestNode(directory: directory, port: port, url: url)
            } catch {
                failure = error
                _ = try? await run("/bin/bash", [script, "stop", directory, "\(port)"])
            }
        }
        throw failure ?? CocoaError(.featureUnsupported)
    }

    /// Stops the node and starts it again with its data (non-durable queues are gone afterwards).
    func restart() async throws {
        _ = try await Self.run("/bin/bash", [Self.script, "restart", directory, "\(port)"])
    }

    /// Stops the node and removes its directory.
    func stop() async throws {
        _ = try await Self.run("/bin/bash", [Self.script, "stop", directory, "\(port)"])
    }

    /// Closes every client connection from the broker's side (320 CONNECTION_FORCED).
    func closeAllConnections() async throws {
        _ = try await Self.run("/usr/bin/env", ["rabbitmqctl", "-q", "-n", nodeName, "close_all_connections", "test"])
    }

    private static func freePort() async throws -> Int {
        for _ in 0..<50 {
            // Below Linux's ephemeral range (32768 and up), where outgoing connections take ports.
            let port = Int.random(in: 20_000..<32_000)
            if await isFree(port), await isFree(port + 100) { return port }
        }
        throw CocoaError(.featureUnsupported)
    }

    private static func isFree(_ port: Int) async -> Bool {
        guard let channel = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: port).get() else { return false }
        try? await channel.close()
        return true
    }

    /// Runs a command and returns its standard output, throwing if it fails.
    ///
    /// Foundation's `Process` did not notice its child exiting inside the test runner on Linux, so this spawns with
    /// `posix_spawn` and waits with `waitpid` on a plain thread, keeping the cooperative pool free.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let output = NSTemporaryDirectory() + "footfall-amqp-test-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let command = ([executable] + arguments).map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }.joined(separator: " ")
        let argv = ["/bin/bash", "-c", "\(command) > '\(output)' 2>/dev/null < /dev/null"]
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, cArguments, environ)
        guard spawned == 0 else { throw NSError(domain: "RabbitMQTestNode", code: Int(spawned)) }
        let child = pid
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let waiter = Thread {
                var status: Int32 = 0
                while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: status)
            }
            waiter.start()
        }
        guard status == 0 else {
            throw NSError(domain: "RabbitMQTestNode", code: Int(status),
                          userInfo: [NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")) failed"])
        }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }
}
