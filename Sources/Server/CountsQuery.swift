import Foundation
import Hummingbird
import Storage

/// The validated query of `GET /api/v1/cameras/{id}/counts`.
struct CountsQuery {
    var from: Date
    var to: Date
    var bucket: BucketSize

    /// The most buckets one answer may hold.
    static let maximumBuckets: Int64 = 50_000

    init(_ parameters: Parameters, now: Date) throws {
        let bucketText = parameters.get("bucket") ?? "minute"
        guard let bucket = BucketSize(rawValue: bucketText) else {
            throw APIError(.badRequest, field: "bucket",
                           message: "unknown bucket \"\(bucketText)\": use minute, hour or day")
        }
        let to = try Self.date(parameters, "to") ?? now
        let defaultSpan: TimeInterval = switch bucket {
        case .minute: 3_600
        case .hour: 86_400
        case .day: 30 * 86_400
        }
        let from = try Self.date(parameters, "from") ?? to.addingTimeInterval(-defaultSpan)
        guard from < to else {
            throw APIError(.badRequest, field: "from", message: "from must be earlier than to")
        }
        if Int64(to.timeIntervalSince(from)) / bucket.seconds > Self.maximumBuckets {
            throw APIError(.badRequest, field: "bucket",
                           message: "the range holds more than \(Self.maximumBuckets) \(bucket.rawValue) buckets: use a larger bucket or a shorter range")
        }
        self.from = from
        self.to = to
        self.bucket = bucket
    }

    /// The ISO 8601 date-time `name`; nil when absent or empty, 400 naming it when unreadable.
    static func date(_ parameters: Parameters, _ name: String) throws -> Date? {
        guard let text = parameters.get(name), !text.isEmpty else { return nil }
        if let date = ISO8601Time.parse(text) { return date }
        throw APIError(.badRequest, field: name,
                       message: "\"\(text.prefix(64))\" is not an ISO 8601 date-time such as 2026-11-25T14:00:00Z")
    }
}
