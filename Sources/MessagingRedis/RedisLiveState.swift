import CountingCore
import FootfallSupport
import Foundation
import Logging
import Messaging
import NIOCore
import Synchronization

/// The shared live cache in Redis: every API process sees the state each worker writes.
///
/// Keys (all under `prefix`): `cameras` (a set of ids), `state:<id>` (the last state as JSON),
/// `heartbeat:<id>` (expires after `heartbeatTimeout`), `lease:<id>` (the newest lease token a
/// state was written with: an older one's state is refused), `snapshot:<id>` (the latest
/// annotated JPEG) and `snapshot-plain:<id>` (a recent bare frame).
/// A camera whose heartbeat expired — its worker stopped or lost the network — reads as
/// offline, whatever its last state said. A worker writes when something an operator sees
/// changes (status, counts, occupancy) and otherwise once per `heartbeatInterval`, so a busy
/// camera costs Redis a few writes a second, not one per frame. After a Redis restart each
/// worker's next write puts its whole state back.
public final class RedisLiveState: LiveStateStore {
    private let client: RedisClient
    private let prefix: String
    private let heartbeatTimeout: Duration
    private let heartbeatInterval: Duration
    private let logger: Logger
    private let clock: AnyClock
    private let lastWritten = Mutex<[String: (state: CameraLiveState, at: AnyClock.Instant)]>([:])

    /// - Parameters:
    ///   - heartbeatTimeout: how long after its last write a camera still reads as alive (a Redis expiry, so server time).
    ///   - heartbeatInterval: how often an unchanged state is written again, to renew the heartbeat.
    ///   - clock: the clock that times ``heartbeatInterval``.
    public init(client: RedisClient, prefix: String = "footfall:live:", heartbeatTimeout: Duration = .seconds(5),
                heartbeatInterval: Duration = .seconds(1), clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.client = client
        self.prefix = prefix
        self.heartbeatTimeout = heartbeatTimeout
        self.heartbeatInterval = heartbeatInterval
        self.clock = AnyClock(clock)
        self.logger = logger
    }

    public func put(_ state: CameraLiveState) async {
        let now = clock.now
        let due = lastWritten.withLock { written -> Bool in
            guard let last = written[state.cameraID] else { return true }
            let seen = last.state.status == state.status && last.state.lines == state.lines && last.state.zones == state.zones
            return !seen || last.at.duration(to: now) >= heartbeatInterval
        }
        guard due else { return }
        do {
            let json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
            let milliseconds = String(max(1, heartbeatTimeout.inMilliseconds))
            let id = state.cameraID
            let reply = try await client.eval(Self.putScript,
                                              keys: [prefix + "cameras", prefix + "state:" + id, prefix + "heartbeat:" + id, prefix + "lease:" + id],
                                              arguments: [id, json, milliseconds, state.leaseToken.map { String($0) } ?? ""])
            guard reply.int == 1 else {
                logger.info("live.put_refused", metadata: ["camera.id": "\(id)", "lease.token": "\(state.leaseToken ?? 0)"])
                return
            }
            lastWritten.withLock { $0[state.cameraID] = (state, now) }
        } catch {
            logger.warning("live.put_failed", metadata: ["camera.id": "\(state.cameraID)", "error": "\(error)"])
        }
    }

    /// Writes a state unless its lease token (ARGV[4], empty for none) is older than the newest
    /// one written for the camera; 1 when written.
    static let putScript = RedisScript("""
        local token = tonumber(ARGV[4])
        if token then
            local newest = tonumber(redis.call('GET', KEYS[4]) or '0')
            if token < newest then return 0 end
            redis.call('SET', KEYS[4], ARGV[4])
        end
        redis.call('SADD', KEYS[1], ARGV[1])
        redis.call('SET', KEYS[2], ARGV[2])
        redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])
        return 1
        """)

    public func states() async -> [CameraLiveState] {
        do {
            let ids = try await client.send(["SMEMBERS", prefix + "cameras"]).array?.compactMap(\.string) ?? []
            return try await read(ids.sorted())
        } catch {
            logger.warning("live.read_failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    public func state(cameraID: String) async -> CameraLiveState? {
        do {
            return try await read([cameraID]).first
        } catch {
            logger.warning("live.read_failed", metadata: ["camera.id": "\(cameraID)", "error": "\(error)"])
            return nil
        }
    }

    /// States of `ids` in order (those never written are skipped); no heartbeat means offline.
    private func read(_ ids: [String]) async throws -> [CameraLiveState] {
        guard !ids.isEmpty else { return [] }
        let commands: [RedisCommand] = ids.flatMap { id -> [RedisCommand] in
            [["GET", prefix + "state:" + id], ["EXISTS", prefix + "heartbeat:" + id]]
        }
        let replies = try await client.pipeline(commands)
        var states: [CameraLiveState] = []
        for index in ids.indices {
            guard let json = replies[2 * index].string,
                  var state = try? JSONDecoder().decode(CameraLiveState.self, from: Data(json.utf8))
            else { continue }
            if replies[2 * index + 1].int != 1 {
                state.status = .offline
                state.framesPerSecond = 0
            }
            states.append(state)
        }
        return states
    }

    public func putSnapshot(cameraID: String, kind: SnapshotKind, jpeg: [UInt8]) async {
        do {
            let command = RedisCommand(bytes: [
                ByteBuffer(string: "SET"), ByteBuffer(string: snapshotKey(cameraID, kind)), ByteBuffer(bytes: jpeg),
                ByteBuffer(string: "PX"), ByteBuffer(string: String(max(1, heartbeatTimeout.inMilliseconds) * 12)),
            ])
            _ = try await client.send(command)
        } catch {
            logger.warning("live.snapshot_failed", metadata: ["camera.id": "\(cameraID)", "error": "\(error)"])
        }
    }

    public func snapshot(cameraID: String, kind: SnapshotKind) async -> [UInt8]? {
        do {
            return try await client.send(["GET", snapshotKey(cameraID, kind)]).bytes
        } catch {
            logger.warning("live.snapshot_read_failed", metadata: ["camera.id": "\(cameraID)", "error": "\(error)"])
            return nil
        }
    }

    private func snapshotKey(_ cameraID: String, _ kind: SnapshotKind) -> String {
        switch kind {
        case .annotated: prefix + "snapshot:" + cameraID
        case .plain: prefix + "snapshot-plain:" + cameraID
        case .blurred: prefix + "snapshot-blurred:" + cameraID
        }
    }
}
