import ArgumentParser
import CountingCore
import FootfallApp
import FootfallSupport
import Foundation
import Logging
import Messaging
import MessagingRabbitMQ
import NIOPosix
import Storage

struct BenchBroker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Crossings per second through RabbitMQ: published with confirms, stored by the ingest consumer, acked.",
        discussion: """
            Uses the RabbitMQ of FOOTFALL_AMQP_URL, on queues of its own. Publishers hand batches of \
            crossings to the same sink the pipelines use; the ingest consumer stores them in the \
            in-memory store and acks after each commit; the time runs until every crossing is stored \
            and the queue is empty. The baseline, in the same run, is the same crossings written \
            straight into the store.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "Crossings to send.")
    var count = 200_000

    @Option(help: "Crossings per published batch (a pipeline sends one frame's crossings at a time).")
    var batch = 500

    @Option(help: "Concurrent publishers (cameras).")
    var publishers = 4

    func run() async throws {
        guard let url = try common.load().amqpURL else {
            throw ValidationError("set \(Settings.amqpURL.environmentVariable) (scripts/rabbitmq.sh start DIR PORT prints one)")
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let crossings = (0..<count).map { i in
            CrossingRecord(id: "bench-\(i)", cameraID: "bench", line: "door", direction: i % 2 == 0 ? .in : .out,
                           trackID: i, time: start.addingTimeInterval(Double(i) / 1_000))
        }
        let camera = Camera(id: "bench", name: "Bench", source: "external",
                            geometry: Geometry(lines: [CountingLine(name: "door", a: Point(x: 0, y: 0), b: Point(x: 0, y: 9))]))
        let clock = ContinuousClock()

        let direct = InMemoryStore()
        try await direct.saveCamera(camera)
        let directTime = try await clock.measure {
            for offset in stride(from: 0, to: count, by: batch) {
                try await direct.insertCrossings(Array(crossings[offset..<min(count, offset + batch)]))
            }
        }

        let store = InMemoryStore()
        try await store.saveCamera(camera)
        let configuration = try AMQPConfiguration(url: url)
        let publisher = AMQPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let consumer = AMQPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let topology = FootfallTopology(namespace: "footfall-bench-\(UUID().uuidString.prefix(8).lowercased())")
        let ingest = CrossingIngestService(client: consumer, store: store, topology: topology, logger: logger)
        let brokerTime: Duration = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await publisher.run() }
            group.addTask { try await consumer.run() }
            group.addTask { try await ingest.run() }
            defer { group.cancelAll() }
            try await publisher.declare(topology.declarations)
            let sink = AMQPCrossingSink(client: publisher, topology: topology)
            let begin = clock.now
            try await withThrowingTaskGroup(of: Void.self) { senders in
                let share = (count + publishers - 1) / publishers
                for p in 0..<publishers {
                    senders.addTask {
                        for offset in stride(from: p * share, to: min(count, (p + 1) * share), by: batch) {
                            try await sink.deliver(Array(crossings[offset..<min(count, (p + 1) * share, offset + batch)]))
                        }
                    }
                }
                try await senders.waitForAll()
            }
            let published = clock.now
            while try await store.crossings(cameraID: "bench", from: start, to: start.addingTimeInterval(1e6)).count < count {
                try await Task.sleep(for: .milliseconds(20))
            }
            while try await consumer.messageCount(queue: topology.ingestQueue) > 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            let done = clock.now
            print(String(format: "published and confirmed       %9.0f crossings/s", Double(count) / begin.duration(to: published).inSeconds))
            for queue in [topology.ingestQueue, topology.retryQueue, topology.deadLetterQueue] {
                _ = try? await consumer.deleteQueue(queue)
            }
            try? await consumer.deleteExchange(topology.events)
            return begin.duration(to: done)
        }
        let directRate = Double(count) / directTime.inSeconds
        let brokerRate = Double(count) / brokerTime.inSeconds
        print(String(format: "straight into the store       %9.0f crossings/s (baseline)", directRate))
        print(String(format: "through RabbitMQ, stored+acked %9.0f crossings/s  ×%.3f of the baseline (target ≥ 20,000/s)",
                     brokerRate, brokerRate / directRate))
    }
}
