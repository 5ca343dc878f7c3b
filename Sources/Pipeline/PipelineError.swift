import Vision

/// Errors of the pipeline layer.
public enum PipelineError: Error, Sendable, CustomStringConvertible {
    /// The frame source or detector failed.
    case vision(VisionError)
    /// No frame arrived for `seconds`; the decoder was stopped so that it can be restarted.
    case stalled(seconds: Double)
    /// The camera's geometry is invalid.
    case invalidGeometry(field: String, reason: String)
    /// The camera pushes its detections, but the pipeline was given nowhere to receive them.
    case noDetectionInbox(cameraID: String)
    /// This worker could not renew the camera's lease in time and stopped counting it.
    case leaseLost(cameraID: String)
    /// The inbox of a camera that pushes its detections stopped delivering.
    case inboxFailed(cameraID: String, reason: String)
    /// A setting cannot be used as given; `field` names it.
    case invalidSetting(field: String, reason: String)

    public var description: String {
        switch self {
        case .vision(let error): error.description
        case .stalled(let seconds): "no frame for \(seconds) s"
        case .invalidGeometry(let field, let reason): "invalid geometry: \(field): \(reason)"
        case .leaseLost(let camera): "lost the lease of camera \(camera)"
        case .inboxFailed(let camera, let reason): "the inbox of camera \(camera) stopped delivering: \(reason)"
        case .noDetectionInbox(let camera): "camera \(camera) pushes detections but this process does not receive them"
        case .invalidSetting(let field, let reason): "\(field): \(reason)"
        }
    }
}
