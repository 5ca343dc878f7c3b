import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import Prometheus
import Server
import Storage
import Testing

/// Every answer carries the browser protections, errors included, and every error has the
/// documented JSON body.
struct SecurityHeadersMiddlewareTests {
    func app(secure: Bool = false) -> some ApplicationProtocol {
        let dependencies = ServerDependencies(store: InMemoryStore(), live: InMemoryLiveState(), bus: InProcessEventBus(),
                                              metrics: PrometheusCollectorRegistry())
        return buildApplication(configuration: .init(port: 0, secureCookies: secure), dependencies: dependencies,
                                logger: .init(label: "test"))
    }

    @Test(arguments: ["/", "/js/main.js", "/healthz", "/api/v1/cameras", "/api/v1/cameras/ghost", "/nowhere"])
    func everyAnswerCarriesTheProtections(path: String) async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[.strictTransportSecurity] == nil, "no HSTS over plain HTTP")
            }
        }
    }

    @Test func httpsInstallationsAskBrowsersToKeepToIt() async throws {
        try await app(secure: true).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.headers[.strictTransportSecurity] == "max-age=31536000")
            }
        }
    }

    @Test func aTooLargeBodyAndAnUnknownPathGetTheDocumentedJSON() async throws {
        try await app().test(.router) { client in
            let large = ByteBuffer(repeating: UInt8(ascii: " "), count: 300 << 10)
            try await client.execute(uri: "/api/v1/cameras", method: .post, headers: [.contentType: "application/json"],
                                     body: large) { response in
                #expect(response.status == .contentTooLarge)
                let error = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((error?["error"] as? [String: Any])?["message"] as? String == "the body is too large")
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
        }
    }
}
