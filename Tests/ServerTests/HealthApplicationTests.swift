import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Server
import Testing

/// A worker's health and metrics: open, on its own port.
struct HealthApplicationTests {
    struct Unreachable: Error {}

    @Test func readinessNamesTheDependencyThatDoesNotAnswer() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeGauge(name: "footfall_camera_online", labels: [("camera", "door")]).set(Double(1))
        let answering = [ReadinessCheck(name: "store") {}, ReadinessCheck(name: "redis") {}]
        let app = buildHealthApplication(host: "127.0.0.1", port: 0, metrics: registry, readiness: answering,
                                         logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"checks":{"redis":"ok","store":"ok"},"status":"ready"}"#)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#"footfall_camera_online{camera="door"} 1"#))
            }
        }
        let failing = [ReadinessCheck(name: "store") {}, ReadinessCheck(name: "rabbitmq") { throw Unreachable() }]
        let down = buildHealthApplication(host: "127.0.0.1", port: 0, metrics: registry, readiness: failing,
                                          logger: Logger(label: "test"))
        try await down.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == #"{"checks":{"rabbitmq":"unreachable","store":"ok"},"status":"not ready"}"#)
            }
        }
    }
}
