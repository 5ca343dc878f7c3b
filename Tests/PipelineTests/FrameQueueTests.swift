import Foundation
import Testing
import Vision

@testable import Pipeline

struct FrameQueueTests {
    func frame(_ index: Int) -> Frame {
        Frame(width: 1, height: 1, pixels: [0, 0, 0], index: index, time: Double(index))
    }

    @Test func latestWinsDropsTheOldestFrames() async throws {
        let queue = FrameQueue(capacity: 2, policy: .latestWins)
        for i in 0..<5 { #expect(queue.push(frame(i))) }
        queue.finish()
        #expect(try await queue.next()?.index == 3)
        #expect(try await queue.next()?.index == 4)
        #expect(try await queue.next() == nil)
        #expect(queue.dropped == 3)
    }

    @Test func blockingKeepsEveryFrameInOrder() async throws {
        let queue = FrameQueue(capacity: 2, policy: .blocking)
        let producer = Thread {
            for i in 0..<50 { _ = queue.push(frame(i)) }
            queue.finish()
        }
        producer.start()
        var seen: [Int] = []
        while let next = try await queue.next() { seen.append(next.index) }
        #expect(seen == Array(0..<50))
        #expect(queue.dropped == 0)
    }

    /// A stall timeout cancels the waiting consumer even when no frame and no end ever come.
    @Test func aWaitingConsumerThatIsCancelledStopsWaitingAndTheQueueCarriesOn() async throws {
        let queue = FrameQueue(capacity: 2, policy: .latestWins)
        let waiting = Task { try await queue.next() }
        // Cancelled while waiting or before it waits: either way it ends with CancellationError.
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(queue.push(frame(7)))
        #expect(try await queue.next()?.index == 7)
    }

    @Test func cancellingReleasesABlockedProducer() async throws {
        let queue = FrameQueue(capacity: 1, policy: .blocking)
        #expect(queue.push(frame(0)))
        let released = AsyncStream<Bool>.makeStream()
        let producer = Thread {
            released.continuation.yield(queue.push(frame(1)))
            released.continuation.finish()
        }
        producer.start()
        // Cancel only once the producer really waits for room.
        while !queue.isProducerWaiting { try await Task.sleep(for: .milliseconds(1)) }
        queue.cancel()
        var iterator = released.stream.makeAsyncIterator()
        #expect(await iterator.next() == false)
    }

    @Test func cancellingEndsAWaitingConsumer() async throws {
        let queue = FrameQueue(capacity: 2, policy: .latestWins)
        async let next = queue.next()
        try await Task.sleep(for: .milliseconds(20))
        queue.cancel()
        #expect(try await next == nil)
    }

    @Test func aSourceErrorReachesTheConsumer() async throws {
        let queue = FrameQueue(capacity: 2, policy: .latestWins)
        queue.finish(error: VisionError.decodeFailed(reason: "boom"))
        await #expect(throws: VisionError.decodeFailed(reason: "boom")) { try await queue.next() }
    }
}
