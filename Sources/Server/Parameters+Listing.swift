import Foundation
import Hummingbird

/// The query parameters that list routes (audit trail, alerts) share, read the same way.
extension Parameters {
    /// The ISO 8601 time `name` (`from`, `to`); nil when absent, 400 naming it when unreadable.
    func listTime(_ name: String) throws -> Date? {
        guard let text = self[Substring(name)] else { return nil }
        guard let date = ISO8601Time.parse(String(text)) else {
            throw APIError(.badRequest, field: name, message: "\"\(text.prefix(64))\" is not an ISO 8601 time")
        }
        return date
    }

    /// `limit`, 1 to 1000; nil when absent, 400 naming it otherwise.
    func listLimit() throws -> Int? {
        guard let text = self["limit"] else { return nil }
        guard let limit = Int(text), (1...1_000).contains(limit) else {
            throw APIError(.badRequest, field: "limit", message: "limit must be a whole number from 1 to 1000")
        }
        return limit
    }
}
