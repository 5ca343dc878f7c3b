import FootfallTestSupport
import Logging
import NIOPosix
import Synchronization
import Testing
@testable import MessagingRabbitMQ

/// The client's own time (reconnect pauses, waiting for a connection) on a manual clock, against a port nothing
/// listens on: no server, and no verdict that depends on how fast the machine is.
@Suite struct AMQPClientClockTests {
    static func unreachableClient(clock: ManualClock, connectionWaitTimeout: Duration = .zero) throws -> AMQPClient {
        let configuration = AMQPConfiguration(
            host: "127.0.0.1", port: try FreePort.find(), connectionWaitTimeout: connectionWaitTimeout,
            reconnectInitialDelay: .milliseconds(100), reconnectMaxDelay: .milliseconds(1_600))
        return AMQPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                          logger: Logger(label: "test.amqp.clock"), clock: clock)
    }

    @Test func reconnectDelaysGrowAndCap() async throws {
        let clock = ManualClock()
        let client = try Self.unreachableClient(clock: clock)
        var delays: [Duration] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            for attempt in 1...8 {
                // Each failed attempt is followed by one sleep on the clock, and nothing else moves until it ends.
                try await eventually("failed attempt \(attempt) pausing") { clock.totalSleeps == attempt && clock.sleepers == 1 }
                let deadline = try #require(clock.nextDeadline)
                delays.append(clock.now.duration(to: deadline))
                clock.advance(to: deadline)
            }
            try await eventually("attempt 9 pausing") { clock.totalSleeps == 9 && clock.sleepers == 1 }
            #expect(!client.isConnected)
        }
        // Doubling from 100 ms up to 1.6 s; equal jitter keeps each between half its base and its base.
        let bases: [Duration] = [100, 200, 400, 800, 1_600, 1_600, 1_600, 1_600].map { .milliseconds($0) }
        for (attempt, (delay, base)) in zip(delays, bases).enumerated() {
            #expect(delay >= base / 2 && delay <= base, "attempt \(attempt + 1): \(delay) for a base of \(base)")
        }
    }

    /// How a publish ended, once it has.
    final class Outcome: Sendable {
        private let state = Mutex<String?>(nil)
        var value: String? { state.withLock { $0 } }
        func record(_ value: String) { state.withLock { $0 = value } }
    }

    @Test func operationsWaitForAConnectionUntilTheWaitTimeoutOnTheClock() async throws {
        let clock = ManualClock()
        let client = try Self.unreachableClient(clock: clock, connectionWaitTimeout: .seconds(5))
        let outcome = Outcome()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            group.addTask {
                do {
                    try await client.publish(AMQPMessage(exchange: "", routingKey: "q", body: "x"))
                    outcome.record("published")
                } catch {
                    outcome.record("\(error)")
                }
            }
            // The reconnect pause and the publish's wait, both on the clock.
            try await eventually("the publish waiting") { clock.sleepers == 2 }
            clock.advance(by: .milliseconds(4_999))
            #expect(outcome.value == nil)
            clock.advance(by: .milliseconds(1))
            try await eventually("the publish given up") { outcome.value != nil }
        }
        #expect(outcome.value == "\(AMQPError.notConnected)")
    }
}
