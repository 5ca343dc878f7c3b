import FootfallTestSupport
import Foundation

/// A dedicated throw-away RabbitMQ node for one test, on free ports, driven by `scripts/rabbitmq.sh`;
/// used where a test must disturb the broker (restart it, stop it, force-close connections).
struct RabbitMQTestNode: Sendable {
    static let script = Repository.script("rabbitmq.sh")

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
            let port = try FreePort.find(alsoFree: [100])
            let directory = NSTemporaryDirectory() + "footfall-amqp-test-\(port)"
            do {
                let output = try await ChildProcess.run("/bin/bash", [script, "start", directory, "\(port)"])
                let url = output.split(separator: "\n").last.map(String.init) ?? ""
                return RabbitMQTestNode(directory: directory, port: port, url: url)
            } catch {
                failure = error
                _ = try? await ChildProcess.run("/bin/bash", [script, "stop", directory, "\(port)"])
            }
        }
        throw failure!
    }

    /// Stops the node, keeping its data, until `restart()`; the broker is certainly down when this returns.
    func halt() async throws {
        try await ChildProcess.run("rabbitmqctl", ["-q", "-n", nodeName, "stop"])
    }

    /// Stops the node (if it runs) and starts it again with its data (non-durable queues are gone afterwards).
    func restart() async throws {
        try await ChildProcess.run("/bin/bash", [Self.script, "restart", directory, "\(port)"])
    }

    /// Stops the node and removes its directory.
    func stop() async throws {
        try await ChildProcess.run("/bin/bash", [Self.script, "stop", directory, "\(port)"])
    }

    /// Closes every client connection from the broker's side (320 CONNECTION_FORCED).
    func closeAllConnections() async throws {
        try await ChildProcess.run("rabbitmqctl", ["-q", "-n", nodeName, "close_all_connections", "test"])
    }
}
