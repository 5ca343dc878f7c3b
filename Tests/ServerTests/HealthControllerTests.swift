import HummingbirdTesting
import Server
import Storage
import Testing

/// `/healthz` and `/readyz` answer anyone; `/metrics`, which names every tenant's cameras and counts, only an administrator.
struct HealthControllerTests {
    @Test func metricsNeedAnAdministratorAndHealthNobody() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            #expect(try await call(client, .get, "/healthz").status == .ok)
            #expect(try await call(client, .get, "/readyz").status == .ok)
            #expect(try await call(client, .get, "/metrics").status == .unauthorized)
            #expect(try await call(client, .get, "/metrics", token: fixture.tokens[.viewer]).status == .forbidden)
            #expect(try await call(client, .get, "/metrics", token: fixture.tokens[.operator]).status == .forbidden)
            let admin = try await client.execute(uri: "/metrics", method: .get,
                                                 headers: [.authorization: "Bearer \(fixture.tokens[.admin] ?? "")"]) { $0 }
            #expect(admin.status == .ok)
            #expect(admin.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        }
    }
}
