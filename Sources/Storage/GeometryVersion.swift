import CountingCore
import Foundation

/// One version of a camera's lines and zones. Every change makes a new version; crossings and
/// results keep the version they were counted with.
public struct GeometryVersion: Hashable, Sendable {
    public var cameraID: String
    /// 1 for the camera's first geometry, one more for each change.
    public var version: Int
    public var geometry: Geometry
    public var created: Date

    public init(cameraID: String, version: Int, geometry: Geometry, created: Date) {
        self.cameraID = cameraID
        self.version = version
        self.geometry = geometry
        self.created = created
    }
}
