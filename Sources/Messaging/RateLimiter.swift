/// Counts requests per key in fixed windows, shared by every API process that uses it.
public protocol RateLimiter: Sendable {
    /// Counts one request for `key`; false when `key` already made `limit` requests in the
    /// current window of length `window`.
    func allow(key: String, limit: Int, window: Duration) async throws -> Bool
}
