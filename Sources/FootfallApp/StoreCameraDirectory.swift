import Foundation
import Pipeline
import Storage

/// The cameras to count, read from the store across every tenant: the enabled ones, and of
/// those the pushing (`external`) ones only where the API receives their detections.
struct StoreCameraDirectory: CameraDirectory {
    let store: any FootfallStore
    /// Whether this process counts cameras that push detections (API processes do, workers not).
    let includeExternal: Bool

    func cameras() async throws -> [ManagedCamera] {
        var result: [ManagedCamera] = []
        for tenant in try await store.tenants() {
            for camera in try await store.scoped(to: tenant.id).cameras()
            where camera.enabled && (includeExternal || camera.sourceKind != .external) {
                result.append(ManagedCamera(tenantID: tenant.id, camera: camera))
            }
        }
        return result
    }
}
