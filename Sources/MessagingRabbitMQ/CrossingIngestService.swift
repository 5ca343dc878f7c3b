import CountingCore
import FootfallSupport
import Foundation
import Logging
import Messaging
import NIOCore
import ServiceLifecycle
import Storage
import Synchronization

/// Stores the crossings arriving on `footfall.ingest.crossings`, in batches, acknowledging
/// each message only after the store committed its crossings.
///
/// The store drops crossings it already has, so a message delivered twice (its consumer died
/// after the commit, before the ack) is stored once. A batch the store refuses is retried
/// message by message, so one bad message cannot hold up the others: a message that can never
/// be stored (unreadable, an unknown camera) goes to the dead-letter queue at once with the
/// reason; one that fails for a passing reason (the database is down) waits in the retry queue
/// and comes back, up to `maximumAttempts` times, then goes to the dead-letter queue too.
public struct CrossingIngestService: Service {
    public struct Configuration: Sendable {
        /// Crossings stored in one transaction at most.
        public var batchSize: Int
        /// How long a batch may wait to fill up.
        public var batchWindow: Duration
        public var maximumAttempts: Int
        /// Wait before the first retry; doubled for each further attempt.
        public var retryDelay: Duration

        public init(batchSize: Int = 1_000, batchWindow: Duration = .milliseconds(20), maximumAttempts: Int = 5,
                    retryDelay: Duration = .seconds(1)) {
            self.batchSize = batchSize
            self.batchWindow = batchWindow
            self.maximumAttempts = maximumAttempts
            self.retryDelay = retryDelay
        }
    }

    private let client: AMQPClient
    private let store: any CountStore
    private let topology: FootfallTopology
    private let configuration: Configuration
    private let logger: Logger
    private let clock: AnyClock
    private let recordFenced: @Sendable (Int) -> Void

    /// - Parameters:
    ///   - clock: times the batch window and the pauses before restarting the consumer (tests pass a manual
    ///     clock). The retry queue's delays are message TTLs, timed by RabbitMQ.
    ///   - recordFenced: told how many crossings of each stored batch the store's fences refused (for a metric).
    public init(client: AMQPClient, store: any CountStore, topology: FootfallTopology = .init(),
                configuration: Configuration = .init(), logger: Logger, clock: any Clock<Duration> = ContinuousClock(),
                recordFenced: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.client = client
        self.store = store
        self.topology = topology
        self.configuration = configuration
        self.logger = logger
        self.clock = AnyClock(clock)
        self.recordFenced = recordFenced
    }

    /// Deliveries waiting to be stored, filled by the consumer task.
    private final class Pending: Sendable {
        let deliveries = Mutex<[AMQPDelivery]>([])
    }

    /// Consumes until shutdown. A consumer the broker ends (its queue deleted, its channel
    /// closed) or a topology that cannot be declared yet (the broker is still starting) is
    /// tried again after a pause, so ingest never stops silently.
    public func run() async throws {
        await ConsumerRestarts.run(name: "ingest", clock: clock, logger: logger) { try await consume() }
    }

    private func consume() async throws {
        try await client.declare(topology.declarations)
        let consumer = try await client.consume(
            queue: topology.ingestQueue, prefetch: UInt16(clamping: configuration.batchSize * 2))
        let pending = Pending()
        // A tick asks for a flush: when a batch is full, and every batch window.
        let (ticks, tick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let batchSize = configuration.batchSize
        let window = configuration.batchWindow
        let clock = self.clock
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Whatever ends the consumer ends the flushing loop too, and its error is rethrown below.
                defer { tick.finish() }
                for try await delivery in consumer {
                    let count = pending.deliveries.withLock { deliveries in
                        deliveries.append(delivery)
                        return deliveries.count
                    }
                    if count >= batchSize { tick.yield() }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await clock.sleep(for: window)
                    tick.yield()
                }
            }
            await withGracefulShutdownHandler {
                for await _ in ticks {
                    let batch = pending.deliveries.withLock { deliveries in
                        defer { deliveries.removeAll(keepingCapacity: true) }
                        return deliveries
                    }
                    if !batch.isEmpty { await store(batch) }
                }
            } onGracefulShutdown: {
                // Unacknowledged deliveries go back to the queue when the channel closes.
                tick.finish()
            }
            group.cancelAll()
            await consumer.cancel()
            while let _ = try await group.next() {}
        }
    }

    /// Stores one batch and settles every message in it.
    private func store(_ batch: [AMQPDelivery]) async {
        var readable: [(delivery: AMQPDelivery, crossings: [CrossingRecord])] = []
        for delivery in batch {
            do throws(MessagingError) {
                readable.append((delivery, try CrossingMessage.crossings(from: delivery.body)))
            } catch {
                await deadLetter(delivery, reason: error.description)
            }
        }
        guard !readable.isEmpty else { return }
        let stored: Bool
        do {
            noteFenced(try await store.storeCrossings(readable.flatMap(\.crossings)), batch: readable.count)
            stored = true
        } catch let error as StorageError where error.isInvalidInput {
            // One bad crossing refuses the whole batch: find its message by storing them one by one.
            stored = false
            logger.warning("ingest.batch_refused", metadata: ["error": "\(error)", "ingest.batch": "\(readable.count)"])
        } catch {
            logger.error("ingest.store_failed", metadata: ["error": "\(error)", "ingest.batch": "\(readable.count)"])
            for item in readable { await retry(item.delivery, error: error) }
            return
        }
        if stored {
            // Every earlier delivery of this channel is settled by now (acked, or republished
            // and acked, or nacked back), so one ack covers the batch.
            do {
                try await readable.last?.delivery.ack(multiple: true)
            } catch {
                // The channel is gone: the broker redelivers the batch and the store drops the copies.
                logger.warning("ingest.ack_failed", metadata: ["error": "\(error)"])
            }
            return
        }
        for item in readable {
            do {
                noteFenced(try await store.storeCrossings(item.crossings), batch: 1)
            } catch let error as StorageError where error.isInvalidInput {
                await deadLetter(item.delivery, reason: error.description)
                continue
            } catch {
                await retry(item.delivery, error: error)
                continue
            }
            do {
                try await item.delivery.ack()
            } catch {
                logger.warning("ingest.ack_failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Says how many crossings the fences refused: a worker that went on counting after its
    /// lease passed to another. Those crossings are counted by the new holder, so this is not a
    /// loss, but a drill that loses crossings needs to see it.
    private func noteFenced(_ stored: StoredCrossings, batch: Int) {
        guard stored.fenced > 0 else { return }
        recordFenced(stored.fenced)
        logger.warning("ingest.crossings_fenced", metadata: ["crossings.fenced": "\(stored.fenced)", "ingest.batch": "\(batch)"])
    }

    /// Sends a message to wait in the retry queue, or to the dead letters after the last attempt.
    private func retry(_ delivery: AMQPDelivery, error: any Error) async {
        let attempts = delivery.attempts + 1
        guard attempts < configuration.maximumAttempts else {
            await deadLetter(delivery, reason: "failed \(attempts) times; last: \(error)")
            return
        }
        let delay = configuration.retryDelay * (1 << min(attempts - 1, 10))
        await settle(delivery, by: delivery.retryMessage(queue: topology.retryQueue, attempts: attempts, delay: delay))
    }

    private func deadLetter(_ delivery: AMQPDelivery, reason: String) async {
        logger.error("ingest.dead_letter", metadata: ["message.id": "\(delivery.properties.messageID ?? "")", "ingest.reason": "\(reason)"])
        await settle(delivery, by: delivery.deadLetterMessage(queue: topology.deadLetterQueue, reason: reason))
    }

    /// Settles `delivery` by `message` (see `AMQPClient.settle`); a failure leaves it queued.
    private func settle(_ delivery: AMQPDelivery, by message: AMQPMessage) async {
        do {
            try await client.settle(delivery, by: message)
        } catch {
            logger.warning("ingest.settle_failed", metadata: ["error": "\(error)"])
        }
    }
}
