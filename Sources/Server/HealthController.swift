import Hummingbird
import HummingbirdWebSocket
import Logging

/// `/healthz` (the process answers) and `/readyz` (its dependencies answer too), open to load
/// balancers and orchestrators, and `/metrics`, for administrators only: it names every camera,
/// line and zone of every tenant with their counts (Prometheus sends the token as
/// `authorization: {credentials: …}`).
struct HealthController {
    let dependencies: ServerDependencies
    let logger: Logger

    /// Paths answered before authentication and under any host name.
    static let openPaths: Set<String> = ["/healthz", "/readyz"]

    /// How long `/readyz` waits for each dependency.
    static let readinessTimeout = Duration.seconds(2)

    func addRoutes(to router: Router<FootfallRequestContext>) {
        router.get("healthz") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        router.get("readyz") { [dependencies, logger] _, _ in
            try await Self.readiness(dependencies.readiness, logger: logger)
        }
        router.get("metrics") { _, context in
            try RouteTable.check(.role(.admin), context)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: dependencies.metrics.emitToBuffer())))
        }
    }

    /// 200 `{"status":"ready","checks":{"store":"ok",…}}` when every check passes, else 503 with
    /// `"not ready"` and the reason of each that failed.
    static func readiness(_ checks: [ReadinessCheck], logger: Logger) async throws -> Response {
        let results = await ReadinessCheck.run(checks, timeout: readinessTimeout, logger: logger)
        let ready = results.allSatisfy { $0.failure == nil }
        return try JSONResponse.make(
            ReadinessAnswer(status: ready ? "ready" : "not ready",
                            checks: Dictionary(results.map { ($0.name, $0.failure ?? "ok") }, uniquingKeysWith: { first, _ in first })),
            status: ready ? .ok : .serviceUnavailable)
    }
}

/// The body of `/readyz`.
private struct ReadinessAnswer: Encodable {
    var status: String
    var checks: [String: String]
}
