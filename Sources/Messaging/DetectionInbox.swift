/// Carries detections pushed by smart cameras (through the API) to the pipeline counting them.
public protocol DetectionInbox: Sendable {
    /// Whether batches wait, in order, for the camera's receiver, and go again to its next
    /// receiver until acknowledged: then a worker that dies loses nothing it was sent.
    var isDurable: Bool { get }
    /// Queues batches for a camera. An inbox that is not durable throws `MessagingError.noReceiver`
    /// when no pipeline of this camera is listening, so the pushing camera learns its batches
    /// are not counted.
    func push(cameraID: String, batches: [DetectionBatch]) async throws
    /// Starts receiving the batches pushed for a camera; one receiver per camera at a time.
    /// Close the subscription when done.
    func receive(cameraID: String) async throws -> DetectionSubscription
}
