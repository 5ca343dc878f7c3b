import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import HummingbirdWebSocket
import Messaging
import Prometheus
@testable import Server
import Storage
import Testing

/// Another site cannot make a signed-in browser change things or open the live stream.
struct OriginCheckMiddlewareTests {
    func app(publicURLs: [String] = []) -> some ApplicationProtocol {
        let dependencies = ServerDependencies(store: InMemoryStore(), live: InMemoryLiveState(), bus: InProcessEventBus(),
                                              metrics: PrometheusCollectorRegistry())
        return buildApplication(configuration: .init(port: 0, publicURLs: publicURLs), dependencies: dependencies,
                                logger: .init(label: "test"))
    }

    func createSite(_ client: some TestClientProtocol, origin: String?, id: String) async throws -> (HTTPResponse.Status, String?) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let origin { headers[.origin] = origin }
        return try await client.execute(uri: "/api/v1/sites/\(id)", method: .put, headers: headers,
                                        body: ByteBuffer(string: #"{"name":"Lobby"}"#)) { response in
            let error = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]
            return (response.status, (error?["error"] as? [String: Any])?["field"] as? String)
        }
    }

    @Test func changesFromAnotherSiteAreRefusedAndNothingIsStored() async throws {
        try await app().test(.router) { client in
            let (status, field) = try await createSite(client, origin: "https://evil.example", id: "evil")
            #expect(status == .forbidden && field == "Origin")
            try await client.execute(uri: "/api/v1/sites", method: .get) { response in
                #expect(!String(buffer: response.body).contains("evil"))
            }
        }
    }

    @Test func configuredAddressesAndClientsWithoutAnOriginMayChangeThings() async throws {
        try await app(publicURLs: ["https://counts.example.com/"]).test(.router) { client in
            let configured = try await createSite(client, origin: "https://COUNTS.example.com", id: "public")
            #expect(configured.0 == .created)
            let script = try await createSite(client, origin: nil, id: "script")
            #expect(script.0 == .created, "clients that are not browsers send no Origin")
            let sandboxed = try await createSite(client, origin: "null", id: "sandboxed")
            #expect(sandboxed.0 == .forbidden)
        }
    }

    @Test func theServerAsTheBrowserReachedItIsItsOwnOrigin() {
        let check = OriginCheckMiddleware(publicURLs: ["https://counts.example.com/dashboard"])
        #expect(check.accepts(origin: "http://counts.local:8080", authority: "counts.local:8080"))
        #expect(check.accepts(origin: "https://Counts.Local:8080", authority: "counts.local:8080"))
        #expect(!check.accepts(origin: "http://counts.local:9999", authority: "counts.local:8080"))
        #expect(!check.accepts(origin: "http://evil.example", authority: nil))
        #expect(check.accepts(origin: "https://counts.example.com", authority: "10.0.0.5:8080"))
        #expect(!check.accepts(origin: "http://counts.example.com", authority: "10.0.0.5:8080"), "the scheme counts")
        #expect(OriginCheckMiddleware.origin(of: "ftp://counts.example.com") == nil)
        #expect(OriginCheckMiddleware.origin(of: "https://admin@Counts.example.com:443/x") == "https://counts.example.com",
                "browsers leave the default port out of an origin")
        #expect(OriginCheckMiddleware.origin(of: "http://counts.example.com:8080") == "http://counts.example.com:8080")
        #expect(check.accepts(origin: "ws://localhost", authority: "localhost:8080"), "not a web page: a WebSocket client")
        #expect(!check.accepts(origin: "null", authority: "localhost:8080"), "a sandboxed page or a file")
    }

    @Test func theLiveStreamRefusesAnotherSite() async throws {
        try await app().test(.live) { client in
            // The same stream without a foreign Origin opens: the refusal below is the Origin's doing.
            try await client.ws("/api/v1/live/ws") { inbound, _, _ in
                var iterator = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                guard case .text(let hello) = try await iterator.next() else { throw CancellationError() }
                #expect(hello.contains("hello"))
            }
            var configuration = WebSocketClientConfiguration()
            configuration.additionalHeaders[.origin] = "https://evil.example"
            await #expect(throws: (any Error).self) {
                try await client.ws("/api/v1/live/ws", configuration: configuration) { inbound, _, _ in
                    var iterator = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                    _ = try await iterator.next()
                }
            }
        }
    }
}
