import FootfallSupport
import Foundation
import Messaging

/// Worker announcements in Redis, shared by every process.
///
/// Each worker is the key `<prefix>worker:<name>` holding its status as JSON and expiring on
/// its own; the set `<prefix>names` lists the names, and a listing drops those whose key has
/// expired. Expiry is Redis's, so workers' clocks need not agree.
public struct RedisWorkerRegistry: WorkerRegistry {
    private let client: RedisClient
    private let prefix: String

    /// The prefix names the announcement's format, so another version's entries are never read as this one's.
    public init(client: RedisClient, prefix: String = "footfall:workers:v1:") {
        self.client = client
        self.prefix = prefix
    }

    static let announceScript = RedisScript("""
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        redis.call('SADD', KEYS[2], ARGV[1])
        return 1
        """)

    static let withdrawScript = RedisScript("""
        redis.call('DEL', KEYS[1])
        redis.call('SREM', KEYS[2], ARGV[1])
        return 1
        """)

    // ARGV[1] is the key prefix of one worker: set members are names, not keys.
    static let listScript = RedisScript("""
        local names = redis.call('SMEMBERS', KEYS[1])
        local found = {}
        for _, name in ipairs(names) do
            local value = redis.call('GET', ARGV[1] .. name)
            if value then table.insert(found, value) else redis.call('SREM', KEYS[1], name) end
        end
        return found
        """)

    private var namesKey: String { prefix + "names" }
    private func key(_ name: String) -> String { prefix + "worker:" + name }

    public func announce(_ status: WorkerStatus, ttl: Duration) async throws {
        let json = String(decoding: try Self.encoder.encode(status), as: UTF8.self)
        _ = try await client.eval(Self.announceScript, keys: [key(status.name), namesKey],
                                  arguments: [status.name, json, String(max(1, ttl.inMilliseconds))])
    }

    public func withdraw(name: String) async throws {
        _ = try await client.eval(Self.withdrawScript, keys: [key(name), namesKey], arguments: [name])
    }

    public func workers() async throws -> [WorkerStatus] {
        let reply = try await client.eval(Self.listScript, keys: [namesKey], arguments: [prefix + "worker:"])
        // An entry that does not decode (written by something else) is not a worker of this fleet.
        return (reply.array ?? []).compactMap { value in
            value.string.flatMap { try? Self.decoder.decode(WorkerStatus.self, from: Data($0.utf8)) }
        }.sorted { $0.name < $1.name }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()
}
