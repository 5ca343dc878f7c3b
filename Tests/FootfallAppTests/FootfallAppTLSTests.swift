import FootfallTestSupport
import Foundation
import Testing
@testable import FootfallApp

/// HTTPS settings: both files or neither, and a bad file named by its setting.
struct FootfallAppTLSTests {
    func configuration(_ environment: [String: String]) throws -> FootfallConfiguration {
        try FootfallConfiguration.load(commandLine: [:], environment: environment)
    }

    @Test func plainHTTPWithoutTheFilesAndHTTPSWithBoth() async throws {
        #expect(try FootfallApp.tlsContext(configuration: configuration([:])) == nil)
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let both = try configuration(["FOOTFALL_TLS_CERTIFICATE": certificates.serverCertificate,
                                      "FOOTFALL_TLS_KEY": certificates.serverKey])
        #expect(try FootfallApp.tlsContext(configuration: both) != nil)
    }

    @Test func aMissingOrWrongFileIsNamed() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        #expect(throws: ConfigurationError.invalidValue(key: "tls-key", source: "default", reason: "HTTPS needs both tls-certificate and tls-key")) {
            try FootfallApp.tlsContext(configuration: configuration(["FOOTFALL_TLS_CERTIFICATE": certificates.serverCertificate]))
        }
        do {
            _ = try FootfallApp.tlsContext(configuration: configuration([
                "FOOTFALL_TLS_CERTIFICATE": certificates.serverKey, "FOOTFALL_TLS_KEY": certificates.serverKey]))
            Issue.record("a key given as the certificate was taken")
        } catch ConfigurationError.unreadableFile(let key, let path, _) {
            #expect(key == "tls-certificate" && path == certificates.serverKey)
        }
        do {
            // Another authority's key does not go with the server's certificate.
            _ = try FootfallApp.tlsContext(configuration: configuration([
                "FOOTFALL_TLS_CERTIFICATE": certificates.serverCertificate, "FOOTFALL_TLS_KEY": certificates.directory + "/ca.key"]))
            Issue.record("a key that does not go with the certificate was taken")
        } catch ConfigurationError.invalidValue(let key, _, _) {
            #expect(key == "tls-key")
        }
    }
}
