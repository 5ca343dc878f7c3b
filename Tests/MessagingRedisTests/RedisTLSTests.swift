import FootfallTestSupport
import Foundation
import Logging
import Testing
@testable import MessagingRedis

/// `rediss://` against a real redis-server speaking TLS with a throwaway authority's
/// certificate: trusted through `ca_file`, refused without it or with another authority.
@Suite(.enabled(if: TestRedis.available, "needs redis-server (scripts/test.sh)"))
struct RedisTLSTests {
    @Test func aServerCertifiedByTheGivenAuthorityIsTrustedAndNoOtherIs() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let port = try FreePort.find()
        let directory = certificates.directory
        try await ChildProcess.run("redis-server", [
            "--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1", "--tls-cert-file", certificates.serverCertificate,
            "--tls-key-file", certificates.serverKey, "--tls-ca-cert-file", certificates.caFile, "--tls-auth-clients", "no",
            "--save", "", "--appendonly", "no", "--daemonize", "yes", "--dir", directory, "--pidfile", "\(directory)/redis.pid",
            "--logfile", "\(directory)/redis.log",
        ])
        defer {
            // A throwaway server with nothing to save: killed outright, so that it cannot
            // outlive the test holding what it inherited.
            if let pid = try? String(contentsOfFile: "\(directory)/redis.pid", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), let number = Int32(pid) {
                kill(number, SIGKILL)
            }
        }
        let trusted = try RedisConfiguration(url: "rediss://127.0.0.1:\(port)/0?ca_file=\(certificates.caFile)")
        try await eventually("the TLS server answers") {
            (try? await RedisConnection.connect(configuration: trusted, logger: TestRedis.logger)).map { $0.close() } != nil
        }
        try await TestRedis.withClient(trusted) { client in
            _ = try await client.send("SET", "footfall:tls", "yes")
            #expect(try await client.send("GET", "footfall:tls").string == "yes")
        }
        for refused in ["rediss://127.0.0.1:\(port)/0?ca_file=\(certificates.otherCAFile)", "rediss://127.0.0.1:\(port)/0",
                        "redis://127.0.0.1:\(port)/0"] {
            var configuration = try RedisConfiguration(url: refused)
            configuration.connectTimeout = .seconds(2)
            configuration.commandTimeout = .seconds(2)
            await #expect(throws: (any Error).self, "\(refused)") {
                let connection = try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
                defer { connection.close() }
                _ = try await connection.send("PING")
            }
        }
    }
}
