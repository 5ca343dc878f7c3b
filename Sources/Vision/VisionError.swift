/// Errors from frame sources, detectors and models.
public enum VisionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A program Footfall runs (ffmpeg, ffprobe, python3) could not be started.
    case toolMissing(String)
    /// The source could not be opened or probed; `reason` is what the decoder said.
    case sourceUnavailable(source: String, reason: String)
    /// The decoder stopped with an error in the middle of the stream.
    case decodeFailed(reason: String)
    /// A detector could not be created or failed on a frame.
    case detectorFailed(detector: String, reason: String)
    /// Rendering a snapshot failed.
    case renderFailed(reason: String)
    /// A model is not installed where it was looked for.
    case modelMissing(name: String, directory: String)
    /// A model's files are there but unusable: corrupt, changed, or not the model expected.
    case modelInvalid(path: String, reason: String)
    /// Installing a model failed; nothing was left half-installed.
    case installFailed(model: String, reason: String)

    public var description: String {
        switch self {
        case .toolMissing(let tool): return "\(tool) is not installed or not on PATH"
        case .sourceUnavailable(let source, let reason): return "cannot open \(source): \(reason)"
        case .decodeFailed(let reason): return "decoding failed: \(reason)"
        case .detectorFailed(let detector, let reason): return "detector \(detector) failed: \(reason)"
        case .renderFailed(let reason): return "rendering the snapshot failed: \(reason)"
        case .modelMissing(let name, let directory):
            return "model \(name) is not installed in \(directory): run `footfall models install \(name)`"
        case .modelInvalid(let path, let reason): return "model \(path) is unusable: \(reason)"
        case .installFailed(let model, let reason): return "installing model \(model) failed: \(reason)"
        }
    }
}
