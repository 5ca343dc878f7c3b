import Hummingbird
import Logging
import Prometheus

/// The HTTP side of a process without the API (`footfall worker`): `/healthz`, `/readyz` and
/// `/metrics`, all without authentication, for a load balancer or orchestrator and a
/// Prometheus on a trusted network. It listens on loopback unless told otherwise.
public func buildHealthApplication(host: String, port: Int, metrics: PrometheusCollectorRegistry,
                                   readiness: [ReadinessCheck], logger: Logger) -> some ApplicationProtocol {
    let router = Router()
    router.get("healthz") { _, _ in
        try JSONResponse.make(["status": "ok"])
    }
    router.get("readyz") { _, _ in
        try await HealthController.readiness(readiness, logger: logger)
    }
    router.get("metrics") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
    }
    return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "footfall-worker"),
                       logger: logger)
}
