/// Carries detections pushed by smart cameras (through the API) to the pipeline counting them.
public protocol DetectionInbox: Sendable {
    /// Queues batches for a camera. Throws `MessagingError.noReceiver` when no pipeline of
    /// this camera is listening, so the pushing camera learns its batches are not counted.
    func push(cameraID: String, batches: [DetectionBatch]) async throws
    /// The batches pushed for a camera from now on; one receiver per camera.
    func receive(cameraID: String) -> AsyncStream<DetectionBatch>
}
