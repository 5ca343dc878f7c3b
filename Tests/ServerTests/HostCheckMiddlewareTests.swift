import HummingbirdTesting
import Testing
@testable import Server

/// DNS rebinding: a page whose own name now points at this server is refused, by the name it asks for.
struct HostCheckMiddlewareTests {
    let check = HostCheckMiddleware(publicURLs: ["https://counts.example.com/", "http://10.0.0.5:8080"], machineName: "box.lan")

    @Test func namesItKnowsAndAddressesAreAnswered() {
        for authority in ["localhost:8080", "LOCALHOST", "127.0.0.1:8080", "10.1.2.3", "[::1]:8080", "[fe80::1]",
                          "counts.example.com", "counts.example.com:443", "counts.example.com.", "box.lan:8080", "box", "box.local:8080"] {
            #expect(check.accepts(authority: authority), "\(authority)")
        }
    }

    @Test func otherNamesAreRefused() {
        for authority in ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example",
                          "counts.example.com.evil.example", "1.2.3", "999.1.1.1", "[::1", ""] {
            #expect(!check.accepts(authority: authority), "\(authority)")
        }
    }

    @Test func aRebindingPageGets421AndHealthStillAnswers() async throws {
        let fixture = try await ControlPlaneFixture()
        let token = try #require(fixture.tokens[.viewer])
        try await fixture.app().test(.live) { client in
            let port = try #require(client.port)
            func ask(_ path: String, host: String, token: String? = nil) async throws -> String {
                let authorization = token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
                return try await ConnectionGuardHandlerTests.readUntilClosed(port: port, sending: """
                    GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\(authorization)Connection: close\r\n\r\n
                    """)
            }
            // What a rebinding page sends: its own name, no token (it cannot have one).
            let rebound = try await ask("/api/v1/cameras", host: "evil.example:8080")
            #expect(rebound.hasPrefix("HTTP/1.1 421"), "\(rebound.prefix(40))")
            #expect(rebound.contains(#""field":"Host""#))
            #expect(rebound.lowercased().contains("content-security-policy:"), "refusals carry the security headers too")
            #expect(try await ask("/", host: "evil.example").hasPrefix("HTTP/1.1 421"), "the dashboard too")
            #expect(try await ask("/healthz", host: "evil.example").hasPrefix("HTTP/1.1 200"))
            // A client with a token (a script, a camera, Prometheus) reaches it under any name.
            #expect(try await ask("/api/v1/cameras", host: "footfall.internal:8080", token: token).hasPrefix("HTTP/1.1 200"))
            #expect(try await ask("/api/v1/cameras", host: "localhost:\(port)", token: token).hasPrefix("HTTP/1.1 200"))
            #expect(try await ask("/api/v1/cameras", host: "127.0.0.1:\(port)", token: token).hasPrefix("HTTP/1.1 200"))
        }
    }
}
