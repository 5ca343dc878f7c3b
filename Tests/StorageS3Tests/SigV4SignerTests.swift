import Foundation
import Testing
@testable import StorageS3

/// AWS's published Signature V4 examples: from the Signature V4 test suite (service `service`,
/// key `AKIDEXAMPLE`, 30 August 2015 12:36:00 UTC) and from the Amazon S3 API reference
/// ("Signature Calculations for the Authorization Header" and "Query String Authentication",
/// bucket `examplebucket`, 24 May 2013 UTC).
struct SigV4SignerTests {
    static let suite = SigV4Signer(credentials: S3Credentials(accessKeyID: "AKIDEXAMPLE",
                                                              secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                                   region: "us-east-1", service: "service")
    static let suiteTime = Date(timeIntervalSince1970: 1_440_938_160)
    static let s3 = SigV4Signer(credentials: S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                                           secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                region: "us-east-1")
    static let s3Time = Date(timeIntervalSince1970: 1_369_353_600)
    static let s3Host = "examplebucket.s3.amazonaws.com"

    static func authorization(_ headers: [(String, String)]) -> String {
        headers.first { $0.0 == "authorization" }?.1 ?? ""
    }

    static func signature(_ headers: [(String, String)]) -> String {
        String(authorization(headers).split(separator: "=").last ?? "")
    }

    @Test func theTestSuitesGetVanilla() {
        let headers = Self.suite.sign(method: "GET", path: "/", headers: [("Host", "example.amazonaws.com")],
                                      payloadHash: SigV4Signer.emptyPayloadHash, date: Self.suiteTime)
        #expect(headers.first { $0.0 == "x-amz-date" }?.1 == "20150830T123600Z")
        #expect(!headers.contains { $0.0 == "x-amz-content-sha256" }, "only S3 sends the payload hash")
        #expect(Self.authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func theTestSuitesQueryOrderAndPostVanilla() {
        let query = Self.suite.sign(method: "GET", path: "/", query: [("Param2", "value2"), ("Param1", "value1")],
                                    headers: [("Host", "example.amazonaws.com")], payloadHash: SigV4Signer.emptyPayloadHash,
                                    date: Self.suiteTime)
        #expect(Self.signature(query) == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
        let post = Self.suite.sign(method: "POST", path: "/", headers: [("Host", "example.amazonaws.com")],
                                   payloadHash: SigV4Signer.emptyPayloadHash, date: Self.suiteTime)
        #expect(Self.signature(post) == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
    }

    @Test func s3sGetObjectWithARange() {
        let headers = Self.s3.sign(method: "GET", path: "/test.txt", headers: [("Host", Self.s3Host), ("Range", "bytes=0-9")],
                                   payloadHash: SigV4Signer.emptyPayloadHash, date: Self.s3Time)
        #expect(headers.first { $0.0 == "x-amz-content-sha256" }?.1 == SigV4Signer.emptyPayloadHash)
        #expect(Self.authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func s3sPutObjectWithAnEncodedKey() {
        // The key `test$file.text` is signed as `/test%24file.text`.
        let headers = Self.s3.sign(
            method: "PUT", path: "/test$file.text",
            headers: [("Host", Self.s3Host), ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
            payloadHash: "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072", date: Self.s3Time)
        #expect(Self.authorization(headers).contains("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"))
        #expect(Self.signature(headers) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func s3sBucketRequestsWithQueries() {
        let lifecycle = Self.s3.sign(method: "GET", path: "/", query: [("lifecycle", "")], headers: [("Host", Self.s3Host)],
                                     payloadHash: SigV4Signer.emptyPayloadHash, date: Self.s3Time)
        #expect(Self.signature(lifecycle) == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
        let list = Self.s3.sign(method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: [("Host", Self.s3Host)],
                                payloadHash: SigV4Signer.emptyPayloadHash, date: Self.s3Time)
        #expect(Self.signature(list) == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func s3sPresignedGet() {
        let query = Self.s3.presignedQuery(host: Self.s3Host, path: "/test.txt", date: Self.s3Time, expires: 86_400)
        #expect(query == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func anotherSecretOrDayGivesAnotherSignature() {
        var wrong = Self.s3
        wrong.credentials.secretAccessKey = "not-the-secret"
        let sign = { (signer: SigV4Signer, date: Date) in
            Self.signature(signer.sign(method: "GET", path: "/test.txt", headers: [("Host", Self.s3Host)],
                                       payloadHash: SigV4Signer.emptyPayloadHash, date: date))
        }
        let right = sign(Self.s3, Self.s3Time)
        #expect(sign(wrong, Self.s3Time) != right)
        #expect(sign(Self.s3, Self.s3Time.addingTimeInterval(86_400)) != right)
    }

    @Test func pathsAndQueriesAreEncodedAsAWSDoes() {
        #expect(SigV4Signer.encodePath("/reports/a b/ü+x~y.csv") == "/reports/a%20b/%C3%BC%2Bx~y.csv")
        #expect(SigV4Signer.encodePath("") == "/")
        #expect(SigV4Signer.canonical(query: [("prefix", "reports/t1/"), ("b", "2"), ("a", "")])
            == "a=&b=2&prefix=reports%2Ft1%2F")
        let (headers, signed) = SigV4Signer.canonical(headers: [("X-Amz-Meta-A", "  two   spaces  "), ("Host", "h")])
        #expect(headers == "host:h\nx-amz-meta-a:two spaces\n")
        #expect(signed == "host;x-amz-meta-a")
    }
}
