/// One batch from a `DetectionInbox`, with the way to tell the inbox it is counted for good.
public struct PushedBatch: Sendable {
    public var batch: DetectionBatch
    private let settle: @Sendable () async throws -> Void

    /// - Parameter acknowledge: settles this batch and every earlier one of the same receiver.
    public init(batch: DetectionBatch, acknowledge: @escaping @Sendable () async throws -> Void = {}) {
        self.batch = batch
        self.settle = acknowledge
    }

    /// Tells a durable inbox that this batch and every one before it are counted for good, so
    /// they are not delivered to the camera's next receiver. Does nothing in an inbox that is not durable.
    public func acknowledge() async throws {
        try await settle()
    }
}
