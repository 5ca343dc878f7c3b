import Foundation

/// Where a bucket is and how to reach it. Its description leaves out the credentials' secret.
public struct S3Configuration: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `http` or `https`.
    public var scheme: String
    /// The server's host (and `:port`), without the bucket.
    public var host: String
    public var bucket: String
    /// Put before every key (`footfall/`); empty for none.
    public var prefix: String
    public var region: String
    /// `bucket.host/key` (virtual-host style) rather than `host/bucket/key` (path style, the
    /// default: it works with MinIO and any host name).
    public var virtualHost: Bool
    public var credentials: S3Credentials

    public init(scheme: String = "https", host: String, bucket: String, prefix: String = "", region: String = "us-east-1",
                virtualHost: Bool = false, credentials: S3Credentials) {
        self.scheme = scheme
        self.host = host
        self.bucket = bucket
        self.prefix = prefix
        self.region = region
        self.virtualHost = virtualHost
        self.credentials = credentials
    }

    /// Reads `http(s)://host[:port]/bucket[/prefix]`. Throws `S3Error.invalidConfiguration`
    /// naming what is wrong.
    public init(url text: String, region: String = "us-east-1", virtualHost: Bool = false, credentials: S3Credentials) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty
        else {
            throw S3Error.invalidConfiguration(field: "s3-url", reason: "expected http(s)://host[:port]/bucket[/prefix]")
        }
        guard url.query == nil, url.user == nil, url.fragment == nil else {
            throw S3Error.invalidConfiguration(field: "s3-url", reason: "no user, query or fragment is allowed")
        }
        let parts = url.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let bucket = parts.first, Self.isValidBucket(bucket) else {
            throw S3Error.invalidConfiguration(field: "s3-url", reason: "the first part of the path must be a bucket name (3–63 of a–z, 0–9, '.', '-')")
        }
        let prefix = parts.dropFirst().joined(separator: "/")
        guard !region.isEmpty, region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw S3Error.invalidConfiguration(field: "s3-region", reason: "expected a region name such as us-east-1")
        }
        guard !credentials.accessKeyID.isEmpty else {
            throw S3Error.invalidConfiguration(field: "s3-access-key-id", reason: "an access key id and secret are required with s3-url")
        }
        guard !credentials.secretAccessKey.isEmpty else {
            throw S3Error.invalidConfiguration(field: "s3-secret-access-key", reason: "an access key id and secret are required with s3-url")
        }
        // The default port is left out: the Host header sent (and signed) has none.
        let port = url.port.flatMap { (scheme, $0) == ("https", 443) || (scheme, $0) == ("http", 80) ? nil : $0 }
        self.init(scheme: scheme, host: port.map { "\(host):\($0)" } ?? host, bucket: bucket,
                  prefix: prefix.isEmpty ? "" : prefix + "/", region: region, virtualHost: virtualHost, credentials: credentials)
    }

    public var description: String {
        "\(scheme)://\(host)/\(bucket)/\(prefix) (\(region), \(virtualHost ? "virtual host" : "path") style, key \(credentials.accessKeyID))"
    }

    public var debugDescription: String { description }

    static func isValidBucket(_ name: String) -> Bool {
        (3...63).contains(name.count) && name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" }
            && name.first != "-" && name.first != "."
    }

    /// The host a request goes to.
    var requestHost: String { virtualHost ? "\(bucket).\(host)" : host }

    /// The path of an object (not yet encoded), or of the bucket when `key` is nil.
    func path(key: String?) -> String {
        let bucketPath = virtualHost ? "" : "/\(bucket)"
        guard let key else { return virtualHost ? "/" : bucketPath }
        return "\(bucketPath)/\(key)"
    }
}
