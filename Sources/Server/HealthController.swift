import Hummingbird
import HummingbirdWebSocket

/// `/healthz`, open to load balancers, and `/metrics`, for administrators only: it names every
/// camera, line and zone of every tenant with their counts (Prometheus sends the token as
/// `authorization: {credentials: …}`).
struct HealthController {
    let dependencies: ServerDependencies

    func addRoutes(to router: Router<FootfallRequestContext>) {
        router.get("healthz") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        router.get("metrics") { _, context in
            try RouteTable.check(.role(.admin), context)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: dependencies.metrics.emitToBuffer())))
        }
    }
}
