import Foundation

/// A throwaway certificate authority and a server certificate it signed for 127.0.0.1 and
/// localhost, made with openssl in a new directory; and a second authority that signed
/// nothing here, for refusals.
public struct TestCertificates: Sendable {
    public let directory: String
    public var caFile: String { directory + "/ca.pem" }
    public var serverCertificate: String { directory + "/server.pem" }
    public var serverKey: String { directory + "/server.key" }
    /// An authority that did not sign the server's certificate.
    public var otherCAFile: String { directory + "/other-ca.pem" }

    public static func make() async throws -> TestCertificates {
        let directory = NSTemporaryDirectory() + "footfall-tls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        func openssl(_ arguments: [String]) async throws {
            try await ChildProcess.run("openssl", arguments, includeErrors: true)
        }
        for name in ["ca", "other-ca"] {
            try await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(directory)/\(name).key",
                               "-out", "\(directory)/\(name).pem", "-days", "2", "-subj", "/CN=Footfall test \(name)"])
        }
        try await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", certificates.serverKey, "-out", "\(directory)/server.csr",
                           "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: "\(directory)/san.ext", atomically: true, encoding: .utf8)
        try await openssl(["x509", "-req", "-in", "\(directory)/server.csr", "-CA", certificates.caFile, "-CAkey", "\(directory)/ca.key",
                           "-CAcreateserial", "-out", certificates.serverCertificate, "-days", "2", "-extfile", "\(directory)/san.ext"])
        return certificates
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
