/// What goes wrong in messaging.
public enum MessagingError: Error, CustomStringConvertible, Equatable {
    /// Nothing is listening for this camera's pushed detections.
    case noReceiver(cameraID: String)
    /// A message could not be read; `field` names what was wrong.
    case invalidMessage(field: String, reason: String)

    public var description: String {
        switch self {
        case .noReceiver(let camera): "camera '\(camera)' has no pipeline receiving pushed detections"
        case .invalidMessage(let field, let reason): "invalid message: \(field): \(reason)"
        }
    }
}
