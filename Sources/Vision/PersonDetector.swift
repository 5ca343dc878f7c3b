import CountingCore

/// Finds people in frames. A detector keeps state across frames (a background model, say),
/// so one instance serves one camera and is used from one thread at a time.
public protocol PersonDetector: AnyObject {
    /// A short name for logs and errors, such as `motion`.
    var name: String { get }
    /// Network inputs (whole frames or tiles) run so far, for the model's figures; nil for
    /// detectors that do not count them (each frame then counts as one).
    var inputsRun: Int? { get }
    /// The people found in `frame`, in its pixels.
    func detect(_ frame: Frame) throws(VisionError) -> [Detection]
}

/// A detector that looks where the counting lines and zones are, and so must hear when an
/// operator changes them.
public protocol GeometryAwareDetector: PersonDetector {
    /// Uses `geometry` from the next frame on.
    func use(_ geometry: Geometry)
}

extension PersonDetector {
    public var inputsRun: Int? { nil }
}
