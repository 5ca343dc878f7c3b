/// A camera's pushed batches, as one receiver gets them from a `DetectionInbox`.
public struct DetectionSubscription: Sendable {
    /// The batches, in order. The sequence ends, or throws, when the inbox can no longer deliver.
    public let batches: AsyncThrowingStream<PushedBatch, any Error>
    private let stop: @Sendable () async -> Void

    /// - Parameter close: stops the deliveries; what was not acknowledged goes to the camera's next receiver.
    public init(batches: AsyncThrowingStream<PushedBatch, any Error>, close: @escaping @Sendable () async -> Void) {
        self.batches = batches
        self.stop = close
    }

    /// Stops receiving and ends `batches`: in a durable inbox, the batches not acknowledged go,
    /// in order, to the camera's next receiver.
    public func close() async {
        await stop()
    }
}
