import CountingCore
import FootfallTestSupport
import Foundation
import Storage
import StoragePostgres
import StorageTestSupport
import Testing

/// TLS to PostgreSQL: with `sslmode=require&sslrootcert=`, the server's certificate must come
/// from that authority (the server of scripts/test.sh has one made for the run); another
/// authority, or the system's, is refused.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FOOTFALL_TEST_POSTGRES_CA"] != nil
    || ProcessInfo.processInfo.environment["CI"] == "true", "needs the PostgreSQL server of scripts/test.sh"))
struct PostgresTLSTests {
    @Test func theServersCertificateIsCheckedAgainstTheGivenAuthority() async throws {
        let authority = try #require(ProcessInfo.processInfo.environment["FOOTFALL_TEST_POSTGRES_CA"])
        let other = try await TestCertificates.make()
        defer { other.remove() }
        try await PostgresTestDatabase.withStore { store, database in
            try await store.saveCamera(Camera(id: "door", name: "Door", source: "rtsp://10.0.0.9/stream", geometry: Geometry()))
            let base = store.configuration
            func configuration(_ query: String) throws -> PostgresStoreConfiguration {
                var configuration = try PostgresStoreConfiguration(
                    url: "postgres://\(base.username)@\(base.host):\(base.port)/\(database)?\(query)", secretKey: base.secretKey)
                configuration.connectTimeout = .seconds(2)
                return configuration
            }
            let trusted = PostgresStore(configuration: try configuration("sslmode=require&sslrootcert=\(authority)"),
                                        logger: PostgresTestDatabase.logger)
            try await PostgresTestDatabase.withRunning(trusted) { () async throws -> Void in
                #expect(try await trusted.camera(id: "door")?.source == "rtsp://10.0.0.9/stream")
                #expect(try await trusted.explain("SELECT 1").isEmpty == false)
            }
            // A refusal is an error at once; the short statement timeout bounds the wait for it.
            for query in ["sslmode=require&sslrootcert=\(other.caFile)&statement_timeout=1000", "sslmode=require&statement_timeout=1000"] {
                let refused = PostgresStore(configuration: try configuration(query), logger: PostgresTestDatabase.logger)
                try await PostgresTestDatabase.withRunning(refused) { () async throws -> Void in
                    await #expect(throws: StorageError.self, "\(query)") { _ = try await refused.camera(id: "door") }
                }
            }
            #expect(throws: StorageError.self) { try configuration("sslmode=disable&sslrootcert=\(authority)") }
            #expect(throws: StorageError.self) { try configuration("sslmode=require&sslrootcert=/nonexistent.pem") }
        }
    }
}
