import Testing
@testable import StorageS3

/// `s3-url` is read strictly, and a bad one names the setting.
struct S3ConfigurationTests {
    static let key = S3Credentials(accessKeyID: "AKID", secretAccessKey: "very-secret")

    @Test func aPathStyleURLGivesHostBucketAndPrefix() throws {
        let configuration = try S3Configuration(url: "http://127.0.0.1:9000/footfall/site-a", credentials: Self.key)
        #expect(configuration.scheme == "http" && configuration.host == "127.0.0.1:9000")
        #expect(configuration.bucket == "footfall" && configuration.prefix == "site-a/")
        #expect(configuration.requestHost == "127.0.0.1:9000")
        #expect(configuration.path(key: "reports/a.csv") == "/footfall/reports/a.csv")
        #expect(configuration.path(key: nil) == "/footfall")
    }

    @Test func virtualHostStyleAddressesTheBucketByName() throws {
        let configuration = try S3Configuration(url: "https://s3.eu-west-1.amazonaws.com/footfall", region: "eu-west-1",
                                                virtualHost: true, credentials: Self.key)
        #expect(configuration.requestHost == "footfall.s3.eu-west-1.amazonaws.com")
        #expect(configuration.path(key: "a.csv") == "/a.csv")
        #expect(configuration.path(key: nil) == "/")
        #expect(configuration.prefix.isEmpty)
    }

    /// The setting a refused configuration names; nil when it was accepted.
    func refusedField(_ make: () throws -> S3Configuration) -> String? {
        do {
            _ = try make()
            return nil
        } catch S3Error.invalidConfiguration(let field, _) {
            return field
        } catch {
            return "\(error)"
        }
    }

    @Test func badSettingsAreNamed() throws {
        for url in ["ftp://h/bucket", "http:///bucket", "http://h", "http://h/B_d", "http://h/bucket?x=1", "http://u:p@h/bucket"] {
            #expect(refusedField { try S3Configuration(url: url, credentials: Self.key) } == "s3-url", "\(url)")
        }
        #expect(refusedField { try S3Configuration(url: "http://h/bucket", region: "eu west", credentials: Self.key) } == "s3-region")
        #expect(refusedField {
            try S3Configuration(url: "http://h/bucket", credentials: S3Credentials(accessKeyID: "", secretAccessKey: ""))
        } == "s3-access-key-id")
        #expect(refusedField {
            try S3Configuration(url: "http://h/bucket", credentials: S3Credentials(accessKeyID: "AKID", secretAccessKey: ""))
        } == "s3-secret-access-key")
        #expect(refusedField { try S3Configuration(url: "http://h/bucket/reports", credentials: Self.key) } == nil)
        // A default port is not part of the host a signature names.
        #expect(try S3Configuration(url: "https://s3.example:443/bucket", credentials: Self.key).host == "s3.example")
        #expect(try S3Configuration(url: "http://s3.example:80/bucket", credentials: Self.key).host == "s3.example")
        #expect(try S3Configuration(url: "http://s3.example:443/bucket", credentials: Self.key).host == "s3.example:443")
    }

    @Test func theSecretIsNeverInADescription() throws {
        let configuration = try S3Configuration(url: "http://127.0.0.1:9000/footfall", credentials: Self.key)
        for text in ["\(Self.key)", String(reflecting: Self.key), "\(configuration)", String(reflecting: configuration)] {
            #expect(!text.contains("very-secret"), "\(text)")
        }
        #expect("\(configuration)".contains("127.0.0.1:9000/footfall"))
    }
}
