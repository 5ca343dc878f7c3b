import Crypto
import Foundation
import NIOCore

/// AWS Signature Version 4: signs a request's method, path, query, chosen headers and payload
/// hash with a key derived from the secret, the day, the region and the service. Pure: the
/// caller gives the time. Checked against AWS's published examples (`SigV4SignerTests`).
public struct SigV4Signer: Sendable {
    public var credentials: S3Credentials
    public var region: String
    public var service: String

    /// The hash of an empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// The payload hash of a request whose body is not signed (presigned URLs).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    static let algorithm = "AWS4-HMAC-SHA256"

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to add to a request so that it is signed: `x-amz-date`, for S3
    /// `x-amz-content-sha256`, `x-amz-security-token` with a session token, and `authorization`.
    ///
    /// - Parameters:
    ///   - path: the path as it is meant, not yet encoded (`/bucket/a b.csv`); it is encoded
    ///     once, as S3 expects.
    ///   - query: names and values as meant, not yet encoded.
    ///   - headers: every header to sign, `host` among them.
    public func sign(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)],
                     payloadHash: String, date: Date) -> [(String, String)] {
        let (stamp, day) = Self.timestamps(date)
        var added: [(String, String)] = [("x-amz-date", stamp)]
        if service == "s3" { added.append(("x-amz-content-sha256", payloadHash)) }
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        let (canonicalHeaders, signedHeaders) = Self.canonical(headers: headers + added)
        let request = [method, Self.encodePath(path), Self.canonical(query: query), canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let signature = self.signature(of: request, stamp: stamp, day: day, scope: scope)
        added.append(("authorization",
                      "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"))
        return added
    }

    /// The query that makes a GET (or another method) of `path` on `host` valid without
    /// credentials until `expires` after `date`: add it to the URL as it is (already encoded).
    public func presignedQuery(method: String = "GET", host: String, path: String, query: [(String, String)] = [],
                               date: Date, expires: Int) -> String {
        let (stamp, day) = Self.timestamps(date)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        var items = query + [
            ("X-Amz-Algorithm", Self.algorithm), ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
            ("X-Amz-Date", stamp), ("X-Amz-Expires", String(expires)), ("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken { items.append(("X-Amz-Security-Token", token)) }
        let canonicalQuery = Self.canonical(query: items)
        let request = [method, Self.encodePath(path), canonicalQuery, "host:\(host)\n", "host", Self.unsignedPayload]
            .joined(separator: "\n")
        return canonicalQuery + "&X-Amz-Signature=" + signature(of: request, stamp: stamp, day: day, scope: scope)
    }

    private func signature(of canonicalRequest: String, stamp: String, day: String, scope: String) -> String {
        let stringToSign = [Self.algorithm, stamp, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Data(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    /// `20150830T123600Z` and `20150830`, in UTC.
    static func timestamps(_ date: Date) -> (String, String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        return (day + String(format: "T%02d%02d%02dZ", c.hour ?? 0, c.minute ?? 0, c.second ?? 0), day)
    }

    /// Lower-case names, values trimmed with inner runs of spaces made one, sorted by name;
    /// and the names joined by `;`.
    static func canonical(headers: [(String, String)]) -> (String, String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let trimmed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            merged[name.lowercased(), default: []].append(trimmed)
        }
        let names = merged.keys.sorted()
        let canonical = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    /// Names and values encoded, sorted by name then value, `name=value` joined by `&`.
    static func canonical(query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { item in
            (encode(item.0, slash: true), encode(item.1, slash: true))
        }
        let sorted = encoded.sorted { left, right in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { item in item.name + "=" + item.value }.joined(separator: "&")
    }

    /// The path with each byte but the unreserved ones and `/` percent-encoded.
    static func encodePath(_ path: String) -> String {
        path.isEmpty ? "/" : encode(path, slash: false)
    }

    /// RFC 3986 encoding as AWS does it: every byte but `A–Z a–z 0–9 - . _ ~` becomes `%XX`
    /// (upper-case hex); `/` too when `slash`.
    static func encode(_ text: String, slash: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if unreserved[Int(byte)] || (byte == 0x2F && !slash) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Whether each byte stands for itself in an encoded path or query.
    private static let unreserved: [Bool] = (0..<256).map { byte in
        let character = Character(Unicode.Scalar(UInt8(byte)))
        return byte < 128 && (character.isLetter || character.isNumber || "-._~".contains(character))
    }

    /// The SHA-256 of `buffer`'s readable bytes, in lower-case hex.
    static func sha256Hex(_ buffer: ByteBuffer) -> String {
        var hasher = SHA256()
        buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        return hex(hasher.finalize())
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
