import CountingCore
import FootfallSupport
import Messaging

/// Camera leases in Redis, shared by every worker.
///
/// A lease is the key `lease:<camera>` holding `owner|token`, set only if absent and expiring
/// on its own. Tokens come from `fence:<camera>`, raised on every grant to at least the Redis
/// server's clock in microseconds: they keep growing even after Redis restarts empty, so a
/// worker holding a lease from before the restart always has the older token.
///
/// A Redis that restarted empty has forgotten who holds what, while the old holders are still
/// counting until their next renewal fails. So when the `epoch` key is missing (a new or
/// emptied Redis), no lease is granted for `gracePeriod`, which must be at least the lease
/// duration the workers use: by then every old holder has stopped, and two workers never
/// count one camera at once.
public struct RedisCameraLeases: CameraLeases {
    private let client: RedisClient
    private let prefix: String
    private let gracePeriod: Duration

    public init(client: RedisClient, prefix: String = "footfall:lease:", gracePeriod: Duration = .seconds(10)) {
        self.client = client
        self.prefix = prefix
        self.gracePeriod = gracePeriod
    }

    static let acquireScript = RedisScript("""
        local now = redis.call('TIME')
        local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
        local epoch = redis.call('GET', KEYS[3])
        if not epoch then
            redis.call('SET', KEYS[3], string.format('%.0f', floor))
            return false
        end
        if floor - tonumber(epoch) < tonumber(ARGV[3]) * 1000 then return false end
        if redis.call('EXISTS', KEYS[1]) == 1 then return false end
        local token = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, floor)
        redis.call('SET', KEYS[2], string.format('%.0f', token))
        redis.call('SET', KEYS[1], ARGV[1] .. '|' .. string.format('%.0f', token), 'PX', ARGV[2])
        return string.format('%.0f', token)
        """)

    static let renewScript = RedisScript("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """)

    static let releaseScript = RedisScript("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """)

    private func keys(_ cameraID: String) -> [String] {
        [prefix + "lease:" + cameraID, prefix + "fence:" + cameraID, prefix + "epoch"]
    }

    private static func value(_ lease: CameraLease) -> String {
        "\(lease.owner)|\(lease.token)"
    }

    public func acquire(cameraID: String, owner: String, duration: Duration) async throws -> CameraLease? {
        let reply = try await client.eval(Self.acquireScript, keys: keys(cameraID),
                                          arguments: [owner, String(max(1, duration.inMilliseconds)), String(max(1, gracePeriod.inMilliseconds))])
        guard let text = reply.string, let token = Int64(text) else { return nil }
        return CameraLease(cameraID: cameraID, owner: owner, token: token)
    }

    public func renew(_ lease: CameraLease, duration: Duration) async throws -> Bool {
        let reply = try await client.eval(Self.renewScript, keys: [keys(lease.cameraID)[0]],
                                          arguments: [Self.value(lease), String(max(1, duration.inMilliseconds))])
        return reply.int == 1
    }

    public func release(_ lease: CameraLease) async throws {
        _ = try await client.eval(Self.releaseScript, keys: [keys(lease.cameraID)[0]], arguments: [Self.value(lease)])
    }

    public func timeLeft(cameraID: String) async throws -> Duration? {
        // PTTL: -2 when the key is missing, -1 when it never expires (not a lease).
        guard let milliseconds = try await client.send("PTTL", keys(cameraID)[0]).int, milliseconds >= 0 else { return nil }
        return .milliseconds(milliseconds)
    }

    public func holder(cameraID: String) async throws -> CameraLease? {
        guard let value = try await client.get(keys(cameraID)[0]),
              let bar = value.lastIndex(of: "|"), let token = Int64(value[value.index(after: bar)...])
        else { return nil }
        return CameraLease(cameraID: cameraID, owner: String(value[..<bar]), token: token)
    }
}
