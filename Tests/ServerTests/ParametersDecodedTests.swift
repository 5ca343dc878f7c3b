import CountingCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Messaging
import Prometheus
import Server
import Storage
import Testing

/// Path ids are percent-decoded before they are looked up.
struct ParametersDecodedTests {
    @Test func percentEncodedIdsAreFound() async throws {
        let store = InMemoryStore()
        try await store.saveCamera(Camera(id: "door_1", name: "Door", source: "external", geometry: Geometry()))
        let dependencies = ServerDependencies(store: store, live: InMemoryLiveState(), bus: InProcessEventBus(),
                                              metrics: PrometheusCollectorRegistry())
        let app = buildApplication(configuration: .init(port: 0), dependencies: dependencies, logger: .init(label: "test"))
        try await app.test(.router) { client in
            for path in ["/api/v1/cameras/%64oor%5F1", "/api/v1/cameras/door%5f1/events"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                }
            }
            for path in ["/api/v1/cameras/%FF", "/api/v1/cameras/%00", "/api/v1/cameras/door%0A1"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .badRequest, "\(path)")
                }
            }
        }
    }
}
