import CountingCore
import FootfallTestSupport
import Foundation
import Logging
import Messaging
import NIOPosix
import Storage
import Synchronization
import Testing
@testable import MessagingRabbitMQ

/// RabbitMQ restarts while a camera keeps handing over crossings: afterwards the store holds
/// exactly the crossings sent, none lost and none doubled.
@Suite(.enabled(if: AMQPTestServer.available, "needs rabbitmq-server (scripts/test.sh)"))
struct BrokerRestartTests {
    @Test func crossingsSurviveABrokerRestart() async throws {
        let node = try await RabbitMQTestNode.start()
        do {
            try await run(on: node)
        } catch {
            try? await node.stop()
            throw error
        }
        try await node.stop()
    }

    /// Crossings handed over so far, counted by the producing task.
    final class Counter: Sendable {
        private let count = Mutex(0)
        func add(_ n: Int) { count.withLock { $0 += n } }
        var value: Int { count.withLock { $0 } }
    }

    private func run(on node: RabbitMQTestNode) async throws {
        var configuration = try AMQPConfiguration(url: node.url)
        configuration.reconnectInitialDelay = .milliseconds(100)
        configuration.reconnectMaxDelay = .milliseconds(500)
        // Only a guard against a hang: the first connection to a node that has just started can be slow.
        configuration.connectionWaitTimeout = .seconds(60)
        let store = InMemoryStore()
        try await store.saveCamera(CrossingIngestServiceTests.camera)
        let topology = FootfallTopology()
        let logger = Logger(label: "test.broker-restart")
        let producer = AMQPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let consumer = AMQPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let ingest = CrossingIngestService(client: consumer, store: store, topology: topology,
                                           configuration: .init(batchSize: 200, batchWindow: .milliseconds(10)), logger: logger)
        let crossings = CrossingIngestServiceTests.crossings(4_000)
        let handedOver = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.run() }
            group.addTask { try await consumer.run() }
            group.addTask { try await ingest.run() }
            defer { group.cancelAll() }
            try await producer.declare(topology.declarations)
            // The camera's side: 40 crossings at a time, each batch offered until the broker
            // confirms it, as the pipeline does.
            group.addTask {
                let sink = AMQPCrossingSink(client: producer, topology: topology)
                for start in stride(from: 0, to: crossings.count, by: 40) {
                    let batch = Array(crossings[start..<(start + 40)])
                    while true {
                        do {
                            try await sink.deliver(batch)
                            break
                        } catch {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    handedOver.add(batch.count)
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            try await eventually("a quarter handed over") {
                handedOver.value >= 1_000
            }
            try await node.restart()
            try await eventually("every crossing stored", timeout: .seconds(180)) {
                try await CrossingIngestServiceTests.storedIDs(store).count == crossings.count
            }
        }
        let stored = try await CrossingIngestServiceTests.storedIDs(store)
        #expect(stored.count == crossings.count)
        #expect(Set(stored) == Set(crossings.map(\.id)))
    }
}
