import CountingCore
import Foundation
import FootfallTestSupport
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import HummingbirdWSTesting
import Messaging
import Prometheus
import Server
import Storage
import Testing

/// The live message contract: `Fixtures/live-messages.jsonl` holds one message of every kind
/// exactly as the WebSocket sends it. The dashboard's JavaScript tests read the same file and
/// `docs/api.md` quotes every line of it.
struct LiveControllerTests {
    static let fixtureLines: [String] = {
        let text = (try? String(contentsOfFile: Repository.fixture("live-messages.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }()

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    @Test func theFixtureHasEveryKindOfMessage() throws {
        let kinds = try Self.fixtureLines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["type"] as? String
        }
        #expect(Set(kinds) == ["hello", "crossing", "occupancy", "status", "camera", "alert"])
    }

    @Test func theWebSocketSendsTheFixtureWordForWord() async throws {
        let hello = try #require(Self.fixtureLines.first)
        let helloTime = try #require(ISO8601DateFormatter().date(from: "2026-11-25T10:00:00Z"))
        let messages = try Self.fixtureLines.dropFirst().map {
            try Self.decoder().decode(LiveMessage.self, from: Data($0.utf8))
        }
        let store = InMemoryStore()
        try await store.saveCamera(Camera(id: "door", name: "Door", source: "external", geometry: Geometry()))
        let bus = InProcessEventBus()
        let dependencies = ServerDependencies(store: store, live: InMemoryLiveState(), bus: bus,
                                              metrics: PrometheusCollectorRegistry(), clock: { helloTime })
        let app = buildApplication(configuration: .init(host: "127.0.0.1", port: 0), dependencies: dependencies,
                                   logger: .init(label: "test"))
        try await app.test(.live) { client in
            try await client.ws("/api/v1/live/ws") { inbound, _, _ in
                var iterator = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                guard case .text(let first) = try await iterator.next() else { throw CancellationError() }
                #expect(first == hello)
                for (message, line) in zip(messages, Self.fixtureLines.dropFirst()) {
                    await bus.publish(message)
                    guard case .text(let sent) = try await iterator.next() else { throw CancellationError() }
                    #expect(sent == line)
                }
            }
        }
    }

    @Test func oneAddressHoldsAtMostItsShareOfLiveStreams() async throws {
        let dependencies = ServerDependencies(store: InMemoryStore(), live: InMemoryLiveState(), bus: InProcessEventBus(),
                                              metrics: PrometheusCollectorRegistry())
        let app = buildApplication(configuration: .init(port: 0, limits: ConnectionLimits(maximumLiveStreamsPerAddress: 1)),
                                   dependencies: dependencies, logger: .init(label: "test"))
        try await app.test(.live) { client in
            try await client.ws("/api/v1/live/ws") { inbound, _, _ in
                var iterator = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                // The hello is sent from the open stream, so it is counted by now.
                guard case .text(let hello) = try await iterator.next() else { throw CancellationError() }
                #expect(hello.contains("hello"))
                await #expect(throws: (any Error).self, "a second stream from the same address is refused") {
                    try await client.ws("/api/v1/live/ws") { inbound, _, _ in
                        var second = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                        _ = try await second.next()
                    }
                }
            }
        }
    }

    @Test func theAPIDocumentQuotesEveryMessage() throws {
        let document = try String(contentsOf: Repository.root.appendingPathComponent("docs/api.md"), encoding: .utf8)
        for line in Self.fixtureLines {
            #expect(document.contains(line), "docs/api.md does not quote \(line)")
        }
    }
}
