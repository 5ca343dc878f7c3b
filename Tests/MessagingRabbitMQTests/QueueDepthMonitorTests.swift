import FootfallTestSupport
import Foundation
import NIOCore
import Synchronization
import Testing
@testable import MessagingRabbitMQ

/// The ingest queue's backlog, read from a real RabbitMQ on a manual clock.
@Suite(.enabled(if: AMQPTestServer.available, "needs FOOTFALL_TEST_AMQP_URL (scripts/test.sh starts RabbitMQ)"))
struct QueueDepthMonitorTests {
    @Test func theBacklogOfAQueueNobodyConsumesIsRecordedEachRound() async throws {
        let topology = FootfallTopology(namespace: AMQPTestServer.uniqueName("depth"))
        try await AMQPTestServer.withClient { client in
            try await client.declare(topology.declarations)
            let recorded = Mutex<[String: [Int]]>([:])
            let clock = ManualClock()
            let monitor = QueueDepthMonitor(client: client, queues: [topology.ingestQueue, topology.deadLetterQueue],
                                            interval: .seconds(15), clock: clock, logger: AMQPTestServer.logger) { queue, messages in
                recorded.withLock { $0[queue, default: []].append(messages) }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await monitor.run() }
                defer { group.cancelAll() }
                try await eventually("the first round") { clock.sleepers == 1 }
                for i in 0..<3 {
                    try await client.publish(AMQPMessage(exchange: topology.events, routingKey: "camera.door.crossing",
                                                         body: ByteBuffer(string: "{\"n\":\(i)}"), mandatory: true))
                }
                clock.advance(by: .seconds(15))
                try await eventually("the second round") { clock.totalSleeps == 2 && clock.sleepers == 1 }
            }
            let figures = recorded.withLock { $0 }
            #expect(figures[topology.ingestQueue] == [0, 3])
            #expect(figures[topology.deadLetterQueue] == [0, 0])
        }
    }
}
