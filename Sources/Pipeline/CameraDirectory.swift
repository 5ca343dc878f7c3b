import CountingCore
import Foundation
import Storage

/// A camera to count and the tenant it belongs to.
public struct ManagedCamera: Hashable, Sendable {
    public var tenantID: UUID
    public var camera: Camera

    public init(tenantID: UUID, camera: Camera) {
        self.tenantID = tenantID
        self.camera = camera
    }

    /// Whether `other` needs a new pipeline: anything but the lines and zones differs (those a
    /// running pipeline takes over by itself).
    func needsRestart(for other: ManagedCamera) -> Bool {
        var mine = camera, theirs = other.camera
        mine.geometry = Geometry()
        mine.geometryVersion = 0
        theirs.geometry = Geometry()
        theirs.geometryVersion = 0
        return mine != theirs || tenantID != other.tenantID
    }
}

/// Where a supervisor learns which cameras to count: read again whenever a camera changes,
/// and now and then in case a change notice was missed.
public protocol CameraDirectory: Sendable {
    /// Every camera this process should count now (enabled ones only).
    func cameras() async throws -> [ManagedCamera]
}
