import Foundation
import MessagingRedis
import NIOCore
import Testing

@Suite(.enabled(if: TestRedis.available, "needs FOOTFALL_TEST_REDIS_URL"))
struct RedisConnectionTests {
    @Test(arguments: [RedisConfiguration.ProtocolVersion.resp2, .resp3])
    func pipelinesTenThousandCommandsInOrder(version: RedisConfiguration.ProtocolVersion) async throws {
        let key = TestRedis.prefix() + "counter"
        let connection = try await RedisConnection.connect(
            configuration: try TestRedis.configuration(protocolVersion: version), logger: TestRedis.logger)
        defer { connection.close() }
        let commands = (0..<10_000).map { _ in RedisCommand(["INCR", key]) }
        let replies = try await connection.pipeline(commands)
        #expect(replies == (1...10_000).map { RESPValue.integer($0) })
        _ = try await connection.send("DEL", key)
    }

    @Test func pipelineReturnsErrorsAsValues() async throws {
        let key = TestRedis.prefix() + "text"
        let connection = try await RedisConnection.connect(configuration: try TestRedis.configuration(), logger: TestRedis.logger)
        defer { connection.close() }
        let replies = try await connection.pipeline([
            ["SET", key, "hello"], ["HGET", key, "field"], ["GET", key], ["NOSUCHCOMMAND"], ["DEL", key],
        ])
        #expect(replies.count == 5)
        #expect(replies[0] == .simpleString("OK"))
        #expect(replies[1].errorMessage?.hasPrefix("WRONGTYPE") == true)
        #expect(replies[2].string == "hello")
        #expect(replies[3].errorMessage?.hasPrefix("ERR unknown command") == true)
        #expect(replies[4] == .integer(1))
    }

    @Test func concurrentCallersShareOneConnection() async throws {
        let connection = try await RedisConnection.connect(configuration: try TestRedis.configuration(), logger: TestRedis.logger)
        defer { connection.close() }
        try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<500 {
                group.addTask { (index, try await connection.send("ECHO", "message \(index)").string) }
            }
            for try await (index, echo) in group {
                #expect(echo == "message \(index)")
            }
        }
    }

    @Test func resp3RepliesUseRESP3Types() async throws {
        let key = TestRedis.prefix() + "hash"
        let connection = try await RedisConnection.connect(
            configuration: try TestRedis.configuration(protocolVersion: .resp3), logger: TestRedis.logger)
        defer { connection.close() }
        _ = try await connection.send("HSET", key, "entered", "12", "left", "5")
        let all = try await connection.send("HGETALL", key)
        #expect(all == .map([.bulkString("entered"): .bulkString("12"), .bulkString("left"): .bulkString("5")]))
        #expect(all.stringDictionary == ["entered": "12", "left": "5"])
        #expect(try await connection.send("EXISTS", key) == .integer(1))
        #expect(try await connection.send("GET", key + "missing") == .null)
        _ = try await connection.send("DEL", key)
    }

    @Test func binaryValuesSurvive() async throws {
        let key = TestRedis.prefix() + "binary"
        let connection = try await RedisConnection.connect(configuration: try TestRedis.configuration(), logger: TestRedis.logger)
        defer { connection.close() }
        let bytes: [UInt8] = [0, 13, 10, 255, 36, 42]
        _ = try await connection.send(RedisCommand(bytes: [ByteBuffer(string: "SET"), ByteBuffer(string: key), ByteBuffer(bytes: bytes)]))
        #expect(try await connection.send("GET", key).bytes == bytes)
        _ = try await connection.send("DEL", key)
    }

    @Test func aLargeValueRoundTrips() async throws {
        let key = TestRedis.prefix() + "large"
        let connection = try await RedisConnection.connect(configuration: try TestRedis.configuration(), logger: TestRedis.logger)
        defer { connection.close() }
        let value = String(repeating: "footfall", count: 1_310_720)  // 10 MB
        _ = try await connection.send("SET", key, value)
        #expect(try await connection.send("GET", key).string == value)
        _ = try await connection.send("DEL", key)
    }

    @Test func connectingToAClosedPortFails() async throws {
        // Port 1 on loopback: privileged, so nothing of the tests' listens there.
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:1/0")
        configuration.connectTimeout = .seconds(2)
        await #expect {
            _ = try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
        } throws: { error in
            guard case .connectionFailed(_, let port, _) = error as? RedisError else { return false }
            return port == 1
        }
    }

    @Test func usingAClosedConnectionFailsQuickly() async throws {
        let connection = try await RedisConnection.connect(configuration: try TestRedis.configuration(), logger: TestRedis.logger)
        connection.close()
        await connection.waitUntilClosed()
        #expect(!connection.isActive)
        await #expect(throws: RedisError.connectionClosed) { try await connection.send("PING") }
        await #expect(throws: RedisError.connectionClosed) { try await connection.pipeline([["PING"]]) }
    }
}
