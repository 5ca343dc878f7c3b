import FootfallTestSupport
import Foundation
import HummingbirdTesting
import Messaging
import Prometheus
import Server
import Storage
import Testing

/// The OpenAPI document describes exactly the routes the router has, with the same roles.
struct OpenAPITests {
    static func document() throws -> [String: Any] {
        let path = Repository.root.appendingPathComponent("Sources/Server/OpenAPI/openapi.json").path
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func everyRouteIsDescribedWithItsRoleAndNothingElse() throws {
        let paths = try #require(try Self.document()["paths"] as? [String: [String: Any]])
        var described: [String: String] = [:]
        for (path, operations) in paths {
            for (method, operation) in operations {
                let role = (operation as? [String: Any])?["x-footfall-role"] as? String
                described["\(method.uppercased()) \(path)"] = role ?? "missing"
            }
        }
        var routed: [String: String] = [:]
        for route in RouteAccessTests.routes {
            let path = route.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            routed["\(route.method) /\(path)"] = route.access.description
        }
        #expect(described == routed)
    }

    @Test func theDocumentIsServed() async throws {
        let dependencies = ServerDependencies(store: InMemoryStore(), live: InMemoryLiveState(), bus: InProcessEventBus(),
                                              metrics: PrometheusCollectorRegistry())
        try await buildApplication(configuration: .init(port: 0), dependencies: dependencies, logger: .init(label: "test"))
            .test(.router) { client in
                try await client.execute(uri: "/api/openapi.json", method: .get) { response in
                    #expect(response.status == .ok)
                    let served = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect(served?["openapi"] as? String == "3.1.0")
                    #expect((served?["paths"] as? [String: Any])?.count == (try Self.document()["paths"] as? [String: Any])?.count)
                }
            }
    }
}
