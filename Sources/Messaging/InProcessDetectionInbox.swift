import Synchronization

/// The embedded detection inbox: one bounded stream per camera, in this process.
///
/// A receiver that falls behind loses its oldest batches (the tracker copes with a gap; it
/// cannot catch up with a backlog of stale frames). Nothing waits for a receiver: batches pushed
/// while none listens are refused.
public final class InProcessDetectionInbox: DetectionInbox {
    private struct Receiver {
        var id: Int
        var continuation: AsyncThrowingStream<PushedBatch, any Error>.Continuation
    }

    private struct State {
        var nextID = 0
        var receivers: [String: Receiver] = [:]
    }

    private let state = Mutex(State())
    private let bufferSize: Int

    /// - Parameter bufferSize: batches held per camera; at least what one API request may carry.
    public init(bufferSize: Int = 4_096) {
        self.bufferSize = bufferSize
    }

    public var isDurable: Bool { false }

    public func push(cameraID: String, batches: [DetectionBatch]) throws {
        guard let receiver = state.withLock({ $0.receivers[cameraID] }) else {
            throw MessagingError.noReceiver(cameraID: cameraID)
        }
        for batch in batches { receiver.continuation.yield(PushedBatch(batch: batch)) }
    }

    public func receive(cameraID: String) -> DetectionSubscription {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: PushedBatch.self, throwing: (any Error).self, bufferingPolicy: .bufferingNewest(bufferSize))
        let (id, replaced) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            let replaced = state.receivers[cameraID]
            state.receivers[cameraID] = Receiver(id: id, continuation: continuation)
            return (id, replaced)
        }
        // A restarted pipeline takes over from its previous run.
        replaced?.continuation.finish()
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                if state.receivers[cameraID]?.id == id { state.receivers[cameraID] = nil }
            }
        }
        return DetectionSubscription(batches: stream) { continuation.finish() }
    }
}
