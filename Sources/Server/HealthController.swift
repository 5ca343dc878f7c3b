import Hummingbird
import HummingbirdWebSocket

/// `/healthz` and `/metrics`.
struct HealthController {
    let dependencies: ServerDependencies

    func addRoutes(to router: Router<FootfallRequestContext>) {
        router.get("healthz") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: dependencies.metrics.emitToBuffer())))
        }
    }
}
