import FootfallTestSupport
import Foundation

/// A dedicated throw-away RabbitMQ node for one test, on free ports, driven by `scripts/rabbitmq.sh`;
/// used where a test must disturb the broker (restart it, stop it, force-close connections).
struct RabbitMQTestNode: Sendable {
    static let script = Repository.script("rabbitmq.sh")

    let directory: String
    let port: Int
    let url: String
    /// The `amqps://` URL (on port + 1) of a node started with `tlsDirectory`.
    var tlsURL: String?
    var nodeName: String { "footfall\(port)@localhost" }

    /// Starts a node on a port whose distribution port (port + 100) is free too.
    /// Another test's node or an outgoing connection may take the port meanwhile: try again
    /// on other ports.
    /// With `tlsDirectory` (ca.pem, server.pem, server.key), the node speaks TLS on port + 1 too.
    static func start(tlsDirectory: String? = nil) async throws -> RabbitMQTestNode {
        var failure: (any Error)?
        for _ in 0..<3 {
            let port = try FreePort.find(alsoFree: [1, 100])
            let directory = NSTemporaryDirectory() + "footfall-amqp-test-\(port)"
            do {
                let output = try await ChildProcess.run("/bin/bash", [script, "start", directory, "\(port)"],
                                                        environment: tlsDirectory.map { ["FOOTFALL_RABBITMQ_TLS_DIR": $0] } ?? [:])
                let lines = output.split(separator: "\n").map(String.init)
                return RabbitMQTestNode(directory: directory, port: port, url: lines.first { $0.hasPrefix("amqp://") } ?? "",
                                        tlsURL: lines.first { $0.hasPrefix("amqps://") })
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
