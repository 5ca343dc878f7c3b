/// Errors from frame sources and detectors.
public enum VisionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A program Footfall runs (ffmpeg, ffprobe) could not be started.
    case toolMissing(String)
    /// The source could not be opened or probed; `reason` is what the decoder said.
    case sourceUnavailable(source: String, reason: String)
    /// The decoder stopped with an error in the middle of the stream.
    case decodeFailed(reason: String)
    /// A detector could not be created or failed on a frame.
    case detectorFailed(detector: String, reason: String)
    /// Rendering a snapshot failed.
    case renderFailed(reason: String)

    public var description: String {
        switch self {
        case .toolMissing(let tool): return "\(tool) is not installed or not on PATH"
        case .sourceUnavailable(let source, let reason): return "cannot open \(source): \(reason)"
        case .decodeFailed(let reason): return "decoding failed: \(reason)"
        case .detectorFailed(let detector, let reason): return "detector \(detector) failed: \(reason)"
        case .renderFailed(let reason): return "rendering the snapshot failed: \(reason)"
        }
    }
}
