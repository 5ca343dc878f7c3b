import Foundation

/// Reads the times the API accepts: ISO 8601 date-times in UTC or with an offset, with or
/// without fractional seconds (`2026-11-25T14:00:00Z`, `2026-11-25T14:00:00.250Z`).
enum ISO8601Time {
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `2026-11-25T14:00:00.250Z`: UTC, with milliseconds.
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
