import CountingCore
import Synchronization

/// The lines and zones a running pipeline should count with: the supervisor puts an
/// operator's change here and the pipeline picks it up before its next frame.
public final class GeometryFeed: Sendable {
    private let current: Mutex<(version: Int, geometry: Geometry)>

    public init(version: Int, geometry: Geometry) {
        current = Mutex((version, geometry))
    }

    /// The latest version and its geometry.
    public var latest: (version: Int, geometry: Geometry) { current.withLock { $0 } }

    /// Offers a new version; an older or equal one is ignored.
    public func offer(version: Int, geometry: Geometry) {
        current.withLock { current in
            if version > current.version { current = (version, geometry) }
        }
    }
}
