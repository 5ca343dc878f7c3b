import FootfallTestSupport
import Foundation
import Messaging
import MessagingRedis
import Testing

/// The live cache's write throttle, timed on a manual clock; Redis shows which puts were written.
@Suite(.enabled(if: TestRedis.available, "needs FOOTFALL_TEST_REDIS_URL"))
struct RedisLiveStateTests {
    @Test func anUnchangedStateIsWrittenAgainOnlyOncePerHeartbeatInterval() async throws {
        let prefix = TestRedis.prefix()
        let clock = ManualClock()
        try await TestRedis.withClient(try TestRedis.configuration()) { client async throws in
            let live = RedisLiveState(client: client, prefix: prefix, heartbeatTimeout: .seconds(600),
                                      heartbeatInterval: .seconds(1), clock: clock, logger: TestRedis.logger)
            /// Whether `put` wrote `state` to Redis: its key is removed first, and is back only if so.
            func written(_ state: CameraLiveState) async throws -> Bool {
                try await client.del(prefix + "state:door")
                await live.put(state)
                return try await client.get(prefix + "state:door") != nil
            }
            let state = CameraLiveState(cameraID: "door", status: .online, framesPerSecond: 10,
                                        lines: [.init(name: "door", countIn: 1)], zones: [.init(name: "lobby", occupancy: 1)])
            #expect(try await written(state))

            clock.advance(by: .milliseconds(999))
            #expect(try await !written(state))
            // Frame rate and time alone are not worth a write of their own.
            var faster = state
            faster.framesPerSecond = 12
            faster.updated = Date()
            #expect(try await !written(faster))

            // What an operator sees is written at once: counts, occupancy, status.
            var counted = state
            counted.lines[0].countIn = 2
            #expect(try await written(counted))
            var occupied = counted
            occupied.zones[0].occupancy = 3
            #expect(try await written(occupied))
            var stalled = occupied
            stalled.status = .stalled
            #expect(try await written(stalled))

            // Unchanged, it is written again once the interval since the last write has passed.
            clock.advance(by: .milliseconds(999))
            #expect(try await !written(stalled))
            clock.advance(by: .milliseconds(1))
            #expect(try await written(stalled))
            #expect(try await !written(stalled))
        }
    }
}
