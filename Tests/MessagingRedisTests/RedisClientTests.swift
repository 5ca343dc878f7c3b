import FootfallTestSupport
import Foundation
import MessagingRedis
import Testing

@Suite(.enabled(if: TestRedis.available, "needs FOOTFALL_TEST_REDIS_URL"))
struct RedisClientTests {
    @Test(arguments: [RedisConfiguration.ProtocolVersion.resp2, .resp3])
    func setGetAndExpiry(version: RedisConfiguration.ProtocolVersion) async throws {
        let prefix = TestRedis.prefix()
        try await TestRedis.withClient(try TestRedis.configuration(protocolVersion: version)) { redis in
            #expect(try await redis.get(prefix + "missing") == nil)
            #expect(try await redis.set(prefix + "plain", to: "42"))
            #expect(try await redis.get(prefix + "plain") == "42")
            #expect(try await redis.ttl(prefix + "plain") == -1)
            #expect(try await redis.ttl(prefix + "missing") == -2)

            // A TTL read back is the one set less the time since, so each range below allows for
            // the measured time between setting and reading: as strict as can be on an idle
            // machine, and still right on a loaded one.
            let clock = ContinuousClock()
            var started = clock.now
            try await redis.set(prefix + "seconds", to: "a", expiresIn: .seconds(100))
            let ttl = try await redis.ttl(prefix + "seconds")
            #expect((99 - Self.wholeSeconds(since: started)...100).contains(ttl))

            // Not whole seconds: set with PX, read back in milliseconds.
            started = clock.now
            try await redis.set(prefix + "short", to: "b", expiresIn: .milliseconds(61_500))
            let pttl = try await redis.pttl(prefix + "short")
            // Redis's millisecond clock ticks at other instants than ours: one more millisecond may
            // have passed by its count than whole milliseconds by ours.
            #expect((61_500 - (clock.now - started).inMilliseconds - 1...61_500).contains(Int64(pttl)))
            try await redis.set(prefix + "short", to: "b", expiresIn: .milliseconds(300))
            try await eventually("the key set to expire in 300 ms to expire") { try await redis.get(prefix + "short") == nil }

            started = clock.now
            #expect(try await redis.expire(prefix + "plain", seconds: 50))
            #expect((49 - Self.wholeSeconds(since: started)...50).contains(try await redis.ttl(prefix + "plain")))
            #expect(try await redis.pexpire(prefix + "plain", milliseconds: 60_000))
            #expect(try await !redis.expire(prefix + "missing", seconds: 5))
            #expect(try await redis.del(prefix + "plain", prefix + "seconds", prefix + "missing") == 2)
        }
    }

    /// Whole seconds passed since `start`, rounded down.
    static func wholeSeconds(since start: ContinuousClock.Instant) -> Int {
        Int((ContinuousClock.now - start).components.seconds)
    }

    @Test func setOnlyIfNotExistsOrExists() async throws {
        let key = TestRedis.prefix() + "lock"
        try await TestRedis.withClient(try TestRedis.configuration()) { redis in
            #expect(try await !redis.set(key, to: "late", condition: .ifExists))
            #expect(try await redis.set(key, to: "first", expiresIn: .seconds(10), condition: .ifNotExists))
            #expect(try await !redis.set(key, to: "second", condition: .ifNotExists))
            #expect(try await redis.get(key) == "first")
            #expect(try await redis.set(key, to: "third", condition: .ifExists))
            #expect(try await redis.get(key) == "third")
            try await redis.del(key)
        }
    }

    @Test func counters() async throws {
        let key = TestRedis.prefix() + "entries"
        try await TestRedis.withClient(try TestRedis.configuration()) { redis in
            #expect(try await redis.incr(key) == 1)
            #expect(try await redis.incrby(key, by: 41) == 42)
            #expect(try await redis.incrby(key, by: -2) == 40)
            try await redis.del(key)
        }
    }

    @Test(arguments: [RedisConfiguration.ProtocolVersion.resp2, .resp3])
    func hashes(version: RedisConfiguration.ProtocolVersion) async throws {
        let key = TestRedis.prefix() + "site"
        try await TestRedis.withClient(try TestRedis.configuration(protocolVersion: version)) { redis in
            #expect(try await redis.hset(key, fields: ["entered": "10", "left": "3"]) == 2)
            #expect(try await !redis.hset(key, field: "left", to: "4"))
            #expect(try await redis.hset(key, field: "name", to: "Main door"))
            #expect(try await redis.hget(key, field: "left") == "4")
            #expect(try await redis.hget(key, field: "missing") == nil)
            #expect(try await redis.hincrby(key, field: "entered", by: 5) == 15)
            #expect(try await redis.hgetall(key) == ["entered": "15", "left": "4", "name": "Main door"])
            #expect(try await redis.hgetall(key + "missing") == [:])
            try await redis.del(key)
        }
    }

    @Test(arguments: [RedisConfiguration.ProtocolVersion.resp2, .resp3])
    func sortedSets(version: RedisConfiguration.ProtocolVersion) async throws {
        let key = TestRedis.prefix() + "events"
        try await TestRedis.withClient(try TestRedis.configuration(protocolVersion: version)) { redis in
            #expect(try await redis.zadd(key, [(1, "a"), (2.5, "b"), (3, "c"), (10, "d")]) == 4)
            #expect(try await !redis.zadd(key, score: 4, member: "c"))
            #expect(try await redis.zrangebyscore(key, minimum: 2, maximum: 5) == ["b", "c"])
            #expect(try await redis.zrangebyscore(key, minimum: -.infinity, maximum: .infinity) == ["a", "b", "c", "d"])
            #expect(try await redis.zrangebyscore(key, minimum: -.infinity, maximum: .infinity, limit: (1, 2)) == ["b", "c"])
            #expect(try await redis.zrem(key, "a", "zzz") == 1)
            #expect(try await redis.zrangebyscore(key, minimum: 0, maximum: 3) == ["b"])
            try await redis.del(key)
        }
    }

    @Test func wrongTypeErrorIsClear() async throws {
        let key = TestRedis.prefix() + "text"
        try await TestRedis.withClient(try TestRedis.configuration()) { redis in
            try await redis.set(key, to: "not a hash")
            do {
                _ = try await redis.hget(key, field: "x")
                Issue.record("expected WRONGTYPE")
            } catch let error as RedisError {
                #expect(error.serverErrorCode == "WRONGTYPE")
                #expect(error.description.contains("WRONGTYPE Operation against a key holding the wrong kind of value"))
            }
            // The connection is still in step afterwards.
            #expect(try await redis.get(key) == "not a hash")
            try await redis.del(key)
        }
    }

    @Test func pipelineThroughThePool() async throws {
        let prefix = TestRedis.prefix()
        try await TestRedis.withClient(try TestRedis.configuration()) { redis in
            let replies = try await redis.pipeline((0..<100).map { RedisCommand(["SET", prefix + "\($0)", "\($0)"]) })
            #expect(replies.allSatisfy { $0 == .simpleString("OK") })
            let values = try await redis.pipeline((0..<100).map { RedisCommand(["GET", prefix + "\($0)"]) })
            #expect(values.map(\.string) == (0..<100).map { "\($0)" })
            _ = try await redis.send(RedisCommand(["DEL"] + (0..<100).map { prefix + "\($0)" }))
        }
    }

    @Test func manyConcurrentCommandsShareASmallPool() async throws {
        let key = TestRedis.prefix() + "hits"
        var configuration = try TestRedis.configuration()
        configuration.poolSize = 3
        try await TestRedis.withClient(configuration) { redis in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<300 { group.addTask { try await redis.incr(key) } }
                try await group.waitForAll()
            }
            #expect(try await redis.get(key) == "300")
            let clients = try await redis.send("CLIENT", "LIST").string ?? ""
            #expect(clients.split(separator: "\n").count >= 1)
            try await redis.del(key)
        }
    }

    @Test(arguments: [RedisConfiguration.ProtocolVersion.resp2, .resp3])
    func authenticatesAsAnACLUser(version: RedisConfiguration.ProtocolVersion) async throws {
        let user = "footfall-test-\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try TestRedis.configuration()
        try await TestRedis.withClient(admin) { redis in
            _ = try await redis.send("ACL", "SETUSER", user, "on", ">secret", "~*", "+@all")

            var good = try TestRedis.configuration(protocolVersion: version)
            good.username = user
            good.password = "secret"
            try await TestRedis.withClient(good) { client async throws in
                #expect(try await client.send("ACL", "WHOAMI").string == user)
            }

            var bad = good
            bad.password = "wrong-password-123"
            do {
                _ = try await RedisConnection.connect(configuration: bad, logger: TestRedis.logger)
                Issue.record("expected WRONGPASS")
            } catch let error as RedisError {
                #expect(error.serverErrorCode == "WRONGPASS")
                #expect(!error.description.contains("wrong-password-123"))
            }
            _ = try await redis.send("ACL", "DELUSER", user)
        }
    }

    @Test func selectedDatabasesAreIsolated() async throws {
        let key = TestRedis.prefix() + "where"
        var first = try TestRedis.configuration()
        first.database = 1
        var second = first
        second.database = 2
        try await TestRedis.withClient(first) { one in
            try await TestRedis.withClient(second) { two in
                try await one.set(key, to: "db1")
                #expect(try await two.get(key) == nil)
                try await two.set(key, to: "db2")
                #expect(try await one.get(key) == "db1")
                #expect(try await two.get(key) == "db2")
                try await one.del(key)
                try await two.del(key)
            }
        }
    }

    @Test func scriptsFallBackToEvalAfterScriptFlush() async throws {
        let key = TestRedis.prefix() + "script"
        // A unique source, so this test's digest is its own.
        let script = RedisScript("-- \(key)\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])")
        try await TestRedis.withClient(try TestRedis.configuration()) { redis in
            #expect(try await redis.eval(script, keys: [key], arguments: ["5"]) == .integer(5))
            #expect(try await redis.send("SCRIPT", "EXISTS", script.sha1) == .array([.integer(1)]))
            #expect(try await redis.send("SCRIPT", "LOAD", script.source).string == script.sha1)

            _ = try await redis.send("SCRIPT", "FLUSH")
            #expect(try await redis.send("SCRIPT", "EXISTS", script.sha1) == .array([.integer(0)]))
            #expect(try await redis.eval(script, keys: [key], arguments: ["2"]) == .integer(7))
            #expect(try await redis.send("SCRIPT", "EXISTS", script.sha1) == .array([.integer(1)]))

            await #expect {
                try await redis.eval(RedisScript("return redis.call('NOSUCH')"))
            } throws: { error in
                (error as? RedisError)?.description.contains("Unknown Redis command") == true
            }
            try await redis.del(key)
        }
    }

    @Test func commandTimeoutFailsTheCommandAndTheClientRecovers() async throws {
        let key = TestRedis.prefix() + "queue"
        var configuration = try TestRedis.configuration()
        // Long enough for a PING on a busy machine, far shorter than the BLPOP's 30 s.
        configuration.commandTimeout = .seconds(2)
        configuration.poolSize = 1
        try await TestRedis.withClient(configuration) { redis in
            let started = ContinuousClock.now
            await #expect(throws: RedisError.timeout(command: "BLPOP")) {
                try await redis.send("BLPOP", key, "30")
            }
            // It waited the whole command timeout first (a lower bound: how much longer it took
            // depends on the machine's load, not on the client).
            #expect(ContinuousClock.now - started >= configuration.commandTimeout)
            #expect(try await redis.send("PING") == .simpleString("PONG"))
            try await redis.set(key + "after", to: "ok")
            #expect(try await redis.get(key + "after") == "ok")
            try await redis.del(key + "after")
        }
    }

    @Test func reconnectsAfterItsConnectionIsKilled() async throws {
        let key = TestRedis.prefix() + "killed"
        var configuration = try TestRedis.configuration()
        configuration.poolSize = 1
        try await TestRedis.withClient(configuration) { redis in
            try await redis.set(key, to: "before")
            let id = try #require(try await redis.send("CLIENT", "ID").int)
            try await TestRedis.withClient(try TestRedis.configuration()) { admin async throws in
                #expect(try await admin.send("CLIENT", "KILL", "ID", String(id)) == .integer(1))
            }
            // The client learns of the close asynchronously: a command sent before it noticed may
            // fail once (it is not retried, so nothing runs twice); within seconds commands work again.
            try await eventually("the client to read the key on a new connection") {
                (try? await redis.get(key)) == "before"
            }
            #expect(try await redis.send("CLIENT", "ID").int != id)
            try await redis.del(key)
        }
    }

    @Test func survivesARedisRestart() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        var configuration = try RedisConfiguration(url: server.url)
        configuration.poolSize = 2
        configuration.connectTimeout = .seconds(1)
        do {
            try await TestRedis.withClient(configuration) { redis in
                try await redis.set("footfall:restart", to: "1")
                #expect(try await redis.get("footfall:restart") == "1")

                try await server.stop()
                await #expect(throws: RedisError.self) { try await redis.get("footfall:restart") }

                try await server.start()
                // No persistence: the key is gone, but the client must work again straight away.
                #expect(try await redis.get("footfall:restart") == nil)
                try await redis.set("footfall:restart", to: "2")
                #expect(try await redis.get("footfall:restart") == "2")
            }
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test func commandsAfterShutdownFail() async throws {
        let client = RedisClient(configuration: try TestRedis.configuration(), logger: TestRedis.logger)
        try await TestRedis.withRunning(client) { () async throws in
            #expect(try await client.send("PING") == .simpleString("PONG"))
        }
        await #expect(throws: RedisError.shutDown) { try await client.send("PING") }
    }
}
