/// Where a camera's counting stood after the last batch its holder acknowledged: enough for the
/// next holder to count on exactly as the last one would have.
public struct CameraCheckpoint: Sendable, Hashable {
    public var cameraID: String
    /// The fencing token of the lease it was written under.
    public var leaseToken: Int64
    /// The pipeline's state, as text only the pipeline reads.
    public var state: String

    public init(cameraID: String, leaseToken: Int64, state: String) {
        self.cameraID = cameraID
        self.leaseToken = leaseToken
        self.state = state
    }
}
