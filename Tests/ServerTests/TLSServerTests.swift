import FootfallSupport
import FootfallTestSupport
import Foundation
import HummingbirdTesting
import NIOCore
import NIOPosix
import NIOSSL
import Prometheus
import Server
import Storage
import Messaging
import Testing

/// HTTPS served by Footfall itself, with a certificate made for the test by a throwaway authority.
struct TLSServerTests {
    /// Sends `request` over TLS (trusting `caFile`) or plain TCP, and reads until the server closes.
    static func exchange(port: Int, request: String, caFile: String?) async throws -> String {
        try await withTimeout(.seconds(60), clock: ContinuousClock()) {
            let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            let channel = try await bootstrap.connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let caFile {
                        var tls = TLSConfiguration.makeClientConfiguration()
                        tls.trustRoots = .file(caFile)
                        let context = try NIOSSLContext(configuration: tls)
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
            return try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: request))
                var text = ""
                do {
                    for try await buffer in inbound { text += String(buffer: buffer) }
                } catch {
                    // A TLS server may end without a close_notify after Connection: close; what was read stands.
                }
                return text
            }
        }
    }

    @Test func theServerSpeaksHTTPSWithStrictTransportAndRefusesPlainHTTP() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let chain = try NIOSSLCertificate.fromPEMFile(certificates.serverCertificate).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: certificates.serverKey, format: .pem)
        let context = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        let dependencies = ServerDependencies(store: InMemoryStore(), live: InMemoryLiveState(), bus: InProcessEventBus(),
                                              metrics: PrometheusCollectorRegistry())
        let app = buildApplication(configuration: .init(port: 0, tls: context), dependencies: dependencies,
                                   logger: .init(label: "test"))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            let secure = try await Self.exchange(port: port, request: request, caFile: certificates.caFile)
            #expect(secure.hasPrefix("HTTP/1.1 200"), "\(secure.prefix(60))")
            #expect(secure.lowercased().contains("strict-transport-security: max-age="), "HTTPS answers tell browsers to keep to it")
            #expect(secure.contains(#"{"status":"ok"}"#))
            // Plain HTTP to the same port is not understood as a request.
            let plain = try? await Self.exchange(port: port, request: request, caFile: nil)
            #expect(plain?.hasPrefix("HTTP/1.1 200") != true)
            // A client that trusts another authority does not get an answer.
            await #expect(throws: (any Error).self) {
                let answer = try await Self.exchange(port: port, request: request, caFile: certificates.otherCAFile)
                if answer.isEmpty { throw CancellationError() }
            }
        }
    }
}
