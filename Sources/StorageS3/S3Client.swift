import AsyncHTTPClient
import FootfallSupport
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A small S3 client: objects put (whole, or in parts from a file), read, described, removed and
/// listed, presigned GET links, and the bucket made. Every request is signed with Signature V4
/// (`SigV4Signer`) and tried again on a 5xx answer, a timeout or a lost connection, with growing
/// pauses on the injected clock.
///
/// A `Service` only to close its HTTP client at shutdown; a client used without a service group
/// must call `shutdown()` itself.
public final class S3Client: Service {
    /// An object in a listing or described by `head`.
    public struct Object: Sendable, Hashable {
        public var key: String
        public var size: Int
        public var etag: String
        public var contentType: String?

        public init(key: String, size: Int, etag: String, contentType: String? = nil) {
            self.key = key
            self.size = size
            self.etag = etag
            self.contentType = contentType
        }
    }

    /// One page of a listing; `nextToken` continues it.
    public struct Page: Sendable, Hashable {
        public var objects: [Object]
        public var nextToken: String?
    }

    /// How requests are tried, timed and split.
    public struct Policy: Sendable {
        /// Attempts of one request, the first included.
        public var maximumAttempts: Int
        public var backoff: Backoff
        /// How long one request may take, its body included.
        public var timeout: Duration
        /// How long to keep trying to connect (a refused connection is tried again until then).
        public var connectTimeout: Duration
        /// Files larger than this go up in parts of this size (S3 wants at least 5 MiB).
        public var partSize: Int
        /// Parts sent at once.
        public var concurrentParts: Int
        /// The largest object `get` reads into memory.
        public var maximumObjectSize: Int

        public init(maximumAttempts: Int = 4, backoff: Backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(5)),
                    timeout: Duration = .seconds(120), connectTimeout: Duration = .seconds(10), partSize: Int = 8 << 20,
                    concurrentParts: Int = 4, maximumObjectSize: Int = 1 << 30) {
            self.maximumAttempts = max(1, maximumAttempts)
            self.backoff = backoff
            self.timeout = timeout
            self.connectTimeout = connectTimeout
            self.partSize = max(5 << 20, partSize)
            self.concurrentParts = max(1, concurrentParts)
            self.maximumObjectSize = maximumObjectSize
        }
    }

    public let configuration: S3Configuration
    private let signer: SigV4Signer
    private let policy: Policy
    private let http: HTTPClient
    private let clock: AnyClock
    private let wallClock: @Sendable () -> Date
    private let logger: Logger

    /// - Parameters:
    ///   - clock: times the pauses between attempts.
    ///   - wallClock: the time requests are signed with.
    public init(configuration: S3Configuration, policy: Policy = .init(), clock: any Clock<Duration> = ContinuousClock(),
                wallClock: @escaping @Sendable () -> Date = Date.init, logger: Logger) {
        self.configuration = configuration
        signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region)
        self.policy = policy
        self.clock = AnyClock(clock)
        self.wallClock = wallClock
        self.logger = logger
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        http.decompression = .disabled
        http.timeout = .init(connect: .milliseconds(policy.connectTimeout.inMilliseconds))
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    /// Waits for shutdown, then closes the HTTP client.
    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Runs `body` with a new client, and closes it after, whether `body` succeeded or not: for
    /// work outside a service group (commands, tests).
    public static func with<T>(configuration: S3Configuration, policy: Policy = .init(), logger: Logger,
                               _ body: (S3Client) async throws -> T) async throws -> T {
        let client = S3Client(configuration: configuration, policy: policy, logger: logger)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Closes the HTTP client; `run` does this at shutdown.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    // MARK: Objects

    /// Stores `body` under `key` in one request, replacing what was there.
    public func put(key: String, body: ByteBuffer, contentType: String) async throws {
        let hash = SigV4Signer.sha256Hex(body)
        _ = try await send("put an object", .PUT, key: key, headers: [("content-type", contentType)], body: body, payloadHash: hash,
                           expect: [200])
    }

    /// Stores the file at `path` under `key`: in one request when it is small, otherwise as a
    /// multipart upload read part by part from the file, several parts at once. A failed
    /// multipart upload is aborted, so that its parts are not kept.
    public func putFile(at path: String, key: String, contentType: String) async throws {
        let size = try (FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        if size <= policy.partSize {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            try await put(key: key, body: ByteBuffer(bytes: data), contentType: contentType)
            return
        }
        let uploadID = try await createMultipartUpload(key: key, contentType: contentType)
        do {
            let partSize = policy.partSize
            let count = (size + partSize - 1) / partSize
            var etags = [String](repeating: "", count: count)
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var next = 0
                func addPart() {
                    let number = next + 1
                    let offset = next * partSize
                    let length = min(partSize, size - offset)
                    next += 1
                    group.addTask {
                        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
                        defer { try? handle.close() }
                        try handle.seek(toOffset: UInt64(offset))
                        let data = try handle.read(upToCount: length) ?? Data()
                        guard data.count == length else {
                            throw S3Error.unreadableAnswer(operation: "upload a part", reason: "the file changed while it was read")
                        }
                        return (number, try await self.uploadPart(key: key, uploadID: uploadID, number: number,
                                                                   body: ByteBuffer(bytes: data)))
                    }
                }
                while next < min(count, policy.concurrentParts) { addPart() }
                while let (number, etag) = try await group.next() {
                    etags[number - 1] = etag
                    if next < count { addPart() }
                }
            }
            try await completeMultipartUpload(key: key, uploadID: uploadID, etags: etags)
        } catch {
            try? await abortMultipartUpload(key: key, uploadID: uploadID)
            throw error
        }
    }

    /// The bytes under `key`; nil when there is no such object.
    public func get(key: String) async throws -> ByteBuffer? {
        let answer = try await send("get an object", .GET, key: key, expect: [200, 404])
        return answer.status == 404 ? nil : answer.body
    }

    /// What is known of `key`; nil when there is no such object.
    public func head(key: String) async throws -> Object? {
        let answer = try await send("describe an object", .HEAD, key: key, expect: [200, 404])
        guard answer.status == 200 else { return nil }
        return Object(key: key, size: Int(answer.headers.first(name: "content-length") ?? "") ?? 0,
                      etag: answer.headers.first(name: "etag") ?? "", contentType: answer.headers.first(name: "content-type"))
    }

    /// Removes `key`; removing a missing key is not an error.
    public func delete(key: String) async throws {
        _ = try await send("delete an object", .DELETE, key: key, expect: [200, 204, 404])
    }

    /// One page of the objects whose keys start with `prefix`, in key order.
    public func list(prefix: String, continuation: String? = nil, maximumKeys: Int = 1_000) async throws -> Page {
        var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(maximumKeys))]
        if let continuation { query.append(("continuation-token", continuation)) }
        let answer = try await send("list objects", .GET, key: nil, query: query, expect: [200])
        guard let result = S3XML.parse(Data(answer.body.readableBytesView)), result.name == "ListBucketResult" else {
            throw S3Error.unreadableAnswer(operation: "list objects", reason: "not a ListBucketResult")
        }
        let objects = try result.children("Contents").map { item in
            guard let key = item["Key"], let size = item["Size"].flatMap(Int.init) else {
                throw S3Error.unreadableAnswer(operation: "list objects", reason: "an entry without a key or size")
            }
            return Object(key: key, size: size, etag: item["ETag"] ?? "")
        }
        let truncated = result["IsTruncated"] == "true"
        return Page(objects: objects, nextToken: truncated ? result["NextContinuationToken"] : nil)
    }

    /// Every object whose key starts with `prefix`, page after page.
    public func listAll(prefix: String, pageSize: Int = 1_000) async throws -> [Object] {
        var objects: [Object] = []
        var token: String?
        repeat {
            let page = try await list(prefix: prefix, continuation: token, maximumKeys: pageSize)
            objects += page.objects
            token = page.nextToken
        } while token != nil
        return objects
    }

    /// A link that reads `key` without credentials until `expiresIn` from now (1 s to 7 days).
    public func presignedGetURL(key: String, expiresIn: Duration) -> String {
        let seconds = Int(min(max(expiresIn.components.seconds, 1), 604_800))
        let path = configuration.path(key: key)
        let query = signer.presignedQuery(host: configuration.requestHost, path: path, date: wallClock(), expires: seconds)
        return "\(configuration.scheme)://\(configuration.requestHost)\(SigV4Signer.encodePath(path))?\(query)"
    }

    /// Makes the bucket; one that is already ours is fine.
    public func createBucket() async throws {
        var body: ByteBuffer?
        if configuration.region != "us-east-1" {
            body = ByteBuffer(string: """
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <LocationConstraint>\(S3XML.escape(configuration.region))</LocationConstraint></CreateBucketConfiguration>
                """)
        }
        let hash = body.map { SigV4Signer.sha256Hex($0) } ?? SigV4Signer.emptyPayloadHash
        let answer = try await send("create the bucket", .PUT, key: nil, body: body, payloadHash: hash, expect: [200, 409])
        if answer.status == 409, answer.code != "BucketAlreadyOwnedByYou" {
            throw S3Error.refused(operation: "create the bucket", status: 409, code: answer.code ?? "", message: "")
        }
    }

    // MARK: Multipart

    private func createMultipartUpload(key: String, contentType: String) async throws -> String {
        let answer = try await send("start a multipart upload", .POST, key: key, query: [("uploads", "")],
                                    headers: [("content-type", contentType)], expect: [200])
        guard let id = S3XML.parse(Data(answer.body.readableBytesView))?["UploadId"], !id.isEmpty else {
            throw S3Error.unreadableAnswer(operation: "start a multipart upload", reason: "no UploadId")
        }
        return id
    }

    private func uploadPart(key: String, uploadID: String, number: Int, body: ByteBuffer) async throws -> String {
        let hash = SigV4Signer.sha256Hex(body)
        let answer = try await send("upload a part", .PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)],
                                    body: body, payloadHash: hash, expect: [200])
        guard let etag = answer.headers.first(name: "etag") else {
            throw S3Error.unreadableAnswer(operation: "upload a part", reason: "no ETag")
        }
        return etag
    }

    private func completeMultipartUpload(key: String, uploadID: String, etags: [String]) async throws {
        let parts = etags.enumerated().map { "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\(S3XML.escape($0.element))</ETag></Part>" }
        let body = ByteBuffer(string: "<CompleteMultipartUpload>\(parts.joined())</CompleteMultipartUpload>")
        let answer = try await send("complete a multipart upload", .POST, key: key, query: [("uploadId", uploadID)], body: body,
                                    payloadHash: SigV4Signer.sha256Hex(body), expect: [200])
        // S3 may answer 200 and still report an error in the body.
        if let result = S3XML.parse(Data(answer.body.readableBytesView)), result.name == "Error" {
            throw S3Error.refused(operation: "complete a multipart upload", status: 200, code: result["Code"] ?? "",
                                  message: result["Message"] ?? "")
        }
    }

    private func abortMultipartUpload(key: String, uploadID: String) async throws {
        _ = try await send("abort a multipart upload", .DELETE, key: key, query: [("uploadId", uploadID)], expect: [200, 204, 404])
    }

    // MARK: Requests

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: ByteBuffer

        /// The S3 error code in the body, if any.
        var code: String? { S3XML.parse(Data(body.readableBytesView))?["Code"] }
    }

    /// Sends one request, signed anew for each attempt; an answer outside `expect` is an error
    /// (with S3's code), and a 5xx answer, a timeout or a lost connection is tried again.
    func send(_ operation: String, _ method: HTTPMethod, key: String?, query: [(String, String)] = [],
              headers: [(String, String)] = [], body: ByteBuffer? = nil, payloadHash: String = SigV4Signer.emptyPayloadHash,
              expect: Set<Int>) async throws -> Answer {
        let path = configuration.path(key: key)
        var url = "\(configuration.scheme)://\(configuration.requestHost)\(SigV4Signer.encodePath(path))"
        if !query.isEmpty { url += "?" + SigV4Signer.canonical(query: query) }
        var attempt = 0
        while true {
            attempt += 1
            let failure: S3Error
            do {
                var request = HTTPClientRequest(url: url)
                request.method = method
                let signed = [("host", configuration.requestHost)] + headers
                for (name, value) in signed + signer.sign(method: method.rawValue, path: path, query: query, headers: signed,
                                                          payloadHash: payloadHash, date: wallClock()) where name != "host" {
                    request.headers.replaceOrAdd(name: name, value: value)
                }
                if let body { request.body = .bytes(body) }
                let response = try await http.execute(request, timeout: .milliseconds(policy.timeout.inMilliseconds))
                let limit = method == .GET ? policy.maximumObjectSize : 1 << 20
                let bytes = try await response.body.collect(upTo: limit)
                let answer = Answer(status: Int(response.status.code), headers: response.headers, body: bytes)
                if expect.contains(answer.status) { return answer }
                let parsed = S3XML.parse(Data(bytes.readableBytesView))
                let refused = S3Error.refused(operation: operation, status: answer.status, code: parsed?["Code"] ?? "",
                                              message: parsed?["Message"] ?? "")
                guard answer.status >= 500 else { throw refused }
                failure = refused
            } catch let error as S3Error {
                throw error
            } catch is NIOTooManyBytesError {
                throw S3Error.unreadableAnswer(operation: operation, reason: "larger than the \(policy.maximumObjectSize) bytes read into memory")
            } catch {
                failure = .unreachable(operation: operation, reason: "\(error)")
            }
            guard attempt < policy.maximumAttempts else { throw failure }
            let delay = policy.backoff.delay(attempt: attempt)
            logger.warning("s3.retry", metadata: ["s3.operation": "\(operation)", "s3.attempt": "\(attempt)",
                                                  "s3.retry_in_ms": "\(delay.inMilliseconds)", "error": "\(failure)"])
            try await clock.sleep(for: delay)
        }
    }
}
