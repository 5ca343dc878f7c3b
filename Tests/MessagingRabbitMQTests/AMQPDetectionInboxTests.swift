import CountingCore
import FootfallTestSupport
import Foundation
import Messaging
import Testing
@testable import MessagingRabbitMQ

/// Pushed detections through a real RabbitMQ: kept until a receiver comes, in order, one active
/// receiver per camera, and what one receiver did not acknowledge handed to the next.
// A hang (a batch that never comes) fails at the time limit, not a verdict on speed.
@Suite(.enabled(if: AMQPTestServer.available, "needs FOOTFALL_TEST_AMQP_URL (scripts/test.sh starts RabbitMQ)"),
       .timeLimit(.minutes(3)))
struct AMQPDetectionInboxTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func batches(_ range: Range<Int>) -> [DetectionBatch] {
        range.map { index in
            DetectionBatch(time: start.addingTimeInterval(Double(index) / 5),
                           detections: [Detection(box: Box(x: Double(index), y: 10, width: 20, height: 40), confidence: 0.75)])
        }
    }

    static func withInbox(_ body: @escaping @Sendable (AMQPDetectionInbox, AMQPClient, String) async throws -> Void) async throws {
        try await AMQPTestServer.withClient { client in
            let camera = AMQPTestServer.uniqueName("camera")
            let inbox = AMQPDetectionInbox(client: client, prefetch: 50)
            // A push while the client is not connected fails at once (the camera tries again later).
            try await eventually("the client to connect") { client.isConnected }
            do {
                try await body(inbox, client, camera)
            } catch {
                _ = try? await client.deleteQueue(AMQPDetectionInbox.queue(cameraID: camera))
                throw error
            }
            _ = try? await client.deleteQueue(AMQPDetectionInbox.queue(cameraID: camera))
        }
    }

    @Test func batchesPushedBeforeAnyReceiverWaitAndArriveInOrder() async throws {
        try await Self.withInbox { inbox, _, camera in
            #expect(inbox.isDurable)
            try await inbox.push(cameraID: camera, batches: Self.batches(0..<12))
            let subscription = try await inbox.receive(cameraID: camera)
            var received: [DetectionBatch] = []
            for try await pushed in subscription.batches {
                received.append(pushed.batch)
                if received.count == 12 { break }
            }
            #expect(received == Self.batches(0..<12))
            await subscription.close()
        }
    }

    @Test func whatAReceiverLeftUnacknowledgedGoesInOrderToTheNextAndTheNextWaitsItsTurn() async throws {
        try await Self.withInbox { inbox, client, camera in
            try await inbox.push(cameraID: camera, batches: Self.batches(0..<5))
            let first = try await inbox.receive(cameraID: camera)
            var firstBatches = first.batches.makeAsyncIterator()
            var seen: [PushedBatch] = []
            for _ in 0..<5 { if let pushed = try await firstBatches.next() { seen.append(pushed) } }
            // The second receiver waits while the first is there: every batch pushed now still goes to the first.
            let second = try await inbox.receive(cameraID: camera)
            try await inbox.push(cameraID: camera, batches: Self.batches(5..<10))
            for _ in 5..<10 { if let pushed = try await firstBatches.next() { seen.append(pushed) } }
            #expect(seen.map(\.batch) == Self.batches(0..<10))
            // Counted for good up to the eighth, in the middle of the second push: the first push
            // is settled, the second comes again whole. The first receiver then goes.
            try await seen[7].acknowledge()
            await first.close()
            var secondBatches = second.batches.makeAsyncIterator()
            var handedOver: [PushedBatch] = []
            for _ in 5..<10 { if let pushed = try await secondBatches.next() { handedOver.append(pushed) } }
            #expect(handedOver.map(\.batch) == Self.batches(5..<10))
            // Its last batch acknowledged, nothing is left for a next receiver. Acknowledged again,
            // nothing changes: the broker would close the channel on a tag acknowledged twice, and
            // the receiver would get nothing more.
            try await handedOver[4].acknowledge()
            try await handedOver[4].acknowledge()
            try await inbox.push(cameraID: camera, batches: Self.batches(10..<12))
            let more = try await secondBatches.next()
            #expect(more?.batch == Self.batches(10..<11).first)
            try await more?.acknowledge()
            await second.close()
            // The second push's first batch is acknowledged, not its last: it waits whole for the next receiver.
            try await eventually("the third push back in the queue") {
                try await client.messageCount(queue: AMQPDetectionInbox.queue(cameraID: camera)) == 1
            }
        }
    }

    @Test func aBodyThatIsNotABatchIsSetAsideAndTheNextOneArrives() async throws {
        try await Self.withInbox { inbox, client, camera in
            try await inbox.push(cameraID: camera, batches: Self.batches(0..<1))
            try await client.publish(batch: [AMQPMessage(exchange: "", routingKey: AMQPDetectionInbox.queue(cameraID: camera), body: "not json")])
            try await inbox.push(cameraID: camera, batches: Self.batches(1..<2))
            let subscription = try await inbox.receive(cameraID: camera)
            var iterator = subscription.batches.makeAsyncIterator()
            let received = [try await iterator.next(), try await iterator.next()].compactMap { $0?.batch }
            #expect(received == Self.batches(0..<2))
            await subscription.close()
        }
    }
}
