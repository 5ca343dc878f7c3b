/// Where a camera's video comes from, decided once from its stored source text.
public enum CameraSource: Hashable, Sendable {
    /// A video file played as a live camera would be (in real time, looped).
    case file(path: String)
    /// A network stream (`rtsp://`, `http://`, …), restarted when it ends. May hold credentials.
    case stream(url: String)
    /// A smart camera that pushes its own detections through the API.
    case external

    /// The source text that marks a camera pushing its own detections.
    public static let externalText = "external"

    /// Reads a stored source: `external`, a URL (anything with `://`), or else a file path.
    public init(_ text: String) {
        if text == Self.externalText {
            self = .external
        } else if text.contains("://") {
            self = .stream(url: text)
        } else {
            self = .file(path: text)
        }
    }

    /// The text stored for this source.
    public var text: String {
        switch self {
        case .file(let path): path
        case .stream(let url): url
        case .external: Self.externalText
        }
    }
}

extension Camera {
    /// The kind of source this camera reads.
    public var sourceKind: CameraSource { CameraSource(source) }
}
