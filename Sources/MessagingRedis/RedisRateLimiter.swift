import CountingCore
import FootfallSupport
import Messaging

/// Fixed-window request counters in Redis, shared by every API process.
public struct RedisRateLimiter: RateLimiter {
    private let client: RedisClient
    private let prefix: String

    public init(client: RedisClient, prefix: String = "footfall:rate:") {
        self.client = client
        self.prefix = prefix
    }

    // The counter and its expiry are set together, so a crash between them cannot leave a
    // counter that never resets.
    static let script = RedisScript("""
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return count
        """)

    public func allow(key: String, limit: Int, window: Duration) async throws -> Bool {
        let count = try await client.eval(Self.script, keys: [prefix + key], arguments: [String(max(1, window.inMilliseconds))])
        return (count.int ?? Int.max) <= limit
    }
}
