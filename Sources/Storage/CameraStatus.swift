/// What a camera's pipeline is doing.
public enum CameraStatus: String, Hashable, Sendable, Codable {
    case connecting
    case online
    case stalled
    case offline
    case failed
}
