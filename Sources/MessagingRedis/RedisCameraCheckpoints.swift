import FootfallSupport
import Messaging

/// Checkpoints in Redis, shared by every worker.
///
/// Each camera's is the hash `<prefix><camera>` with the newest lease token that claimed or wrote
/// it and the state written under `written` (the token it was written under); scripts change
/// it only for a token not older than the newest, so a worker frozen past its lease cannot
/// overwrite its successor's. A checkpoint lasts `retention` after it was last written or
/// claimed: a camera nobody counts for that long starts afresh.
public struct RedisCameraCheckpoints: CameraCheckpoints {
    private let client: RedisClient
    private let prefix: String
    private let retention: Duration

    public init(client: RedisClient, prefix: String = "footfall:checkpoints:v1:", retention: Duration = .seconds(86_400)) {
        self.client = client
        self.prefix = prefix
        self.retention = retention
    }

    static let saveScript = RedisScript("""
        local last = redis.call('HGET', KEYS[1], 'token')
        if last and tonumber(last) > tonumber(ARGV[1]) then return 0 end
        redis.call('HSET', KEYS[1], 'token', ARGV[1], 'written', ARGV[1], 'state', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """)

    static let claimScript = RedisScript("""
        local last = redis.call('HGET', KEYS[1], 'token')
        if last and tonumber(last) > tonumber(ARGV[1]) then return {0} end
        redis.call('HSET', KEYS[1], 'token', ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        local written = redis.call('HGET', KEYS[1], 'written')
        local state = redis.call('HGET', KEYS[1], 'state')
        if written and state then return {1, written, state} end
        return {1}
        """)

    public func checkpoint(cameraID: String) async throws -> CameraCheckpoint? {
        let reply = try await client.send("HMGET", prefix + cameraID, "written", "state")
        guard let values = reply.array, values.count == 2, let token = values[0].string.flatMap({ Int64($0) }),
              let state = values[1].string else { return nil }
        return CameraCheckpoint(cameraID: cameraID, leaseToken: token, state: state)
    }

    public func claim(cameraID: String, leaseToken: Int64) async throws -> CheckpointClaim {
        let reply = try await client.eval(Self.claimScript, keys: [prefix + cameraID],
                                          arguments: [String(leaseToken), String(max(1, retention.inMilliseconds))])
        guard let values = reply.array, values.first?.int == 1 else { return .refused }
        guard values.count == 3, let token = values[1].string.flatMap({ Int64($0) }), let state = values[2].string else {
            return .granted(nil)
        }
        return .granted(CameraCheckpoint(cameraID: cameraID, leaseToken: token, state: state))
    }

    public func save(_ checkpoint: CameraCheckpoint) async throws -> Bool {
        let reply = try await client.eval(Self.saveScript, keys: [prefix + checkpoint.cameraID],
                                          arguments: [String(checkpoint.leaseToken), checkpoint.state,
                                                      String(max(1, retention.inMilliseconds))])
        return reply.int == 1
    }
}
