import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import Prometheus
import Server
import Storage
import Testing

/// `HEAD` answers wherever `GET` does, and `OPTIONS` everywhere.
struct HeadResponderTests {
    func app() -> some ApplicationProtocol {
        let dependencies = ServerDependencies(store: InMemoryStore(), live: InMemoryLiveState(), bus: InProcessEventBus(),
                                              metrics: PrometheusCollectorRegistry())
        return buildApplication(configuration: .init(port: 0), dependencies: dependencies, logger: .init(label: "test"))
    }

    @Test(arguments: ["/", "/js/main.js", "/healthz", "/api/v1/cameras"])
    func headAnswersLikeGetWithoutABody(path: String) async throws {
        try await app().test(.router) { client in
            let (status, type, length) = try await client.execute(uri: path, method: .get) {
                ($0.status, $0.headers[.contentType], $0.body.readableBytes)
            }
            try await client.execute(uri: path, method: .head) { response in
                #expect(response.status == status)
                #expect(response.headers[.contentType] == type)
                #expect(response.headers[.contentLength] == String(length))
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func headOfNothingIsNotFound() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/nowhere", method: .head) { response in
                #expect(response.status == .notFound)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func optionsSaysWhichMethodsAreTakenAndGrantsNoOtherSite() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/api/v1/cameras", method: .options) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.allow]?.contains("HEAD") == true)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
                #expect(response.headers[.contentSecurityPolicy] != nil)
            }
        }
    }
}
