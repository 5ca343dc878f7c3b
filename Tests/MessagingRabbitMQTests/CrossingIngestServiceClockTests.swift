import FootfallTestSupport
import Logging
import NIOPosix
import Storage
import Testing
@testable import MessagingRabbitMQ

/// The ingest service's own pauses on a manual clock, without a server.
@Suite struct CrossingIngestServiceClockTests {
    @Test func aConsumerThatCannotStartIsTriedAgainAfterGrowingPauses() async throws {
        // A client that never runs: every operation fails at once with `notConnected`.
        let configuration = AMQPConfiguration(host: "127.0.0.1", port: try FreePort.find(), connectionWaitTimeout: .zero)
        let client = AMQPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                logger: Logger(label: "test.ingest.clock"))
        let clock = ManualClock()
        let ingest = CrossingIngestService(client: client, store: InMemoryStore(), logger: Logger(label: "test.ingest.clock"),
                                           clock: clock)
        var delays: [Duration] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await ingest.run() }
            defer { group.cancelAll() }
            for attempt in 1...8 {
                try await eventually("failed start \(attempt) pausing") { clock.totalSleeps == attempt && clock.sleepers == 1 }
                let deadline = try #require(clock.nextDeadline)
                delays.append(clock.now.duration(to: deadline))
                clock.advance(to: deadline)
            }
        }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30)])
    }
}
