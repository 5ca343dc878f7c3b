import Foundation
import Storage

/// The caller's view of the store: their tenant's rows, and of its cameras only those of the
/// sites they were granted. A camera they may not see answers 404, as one that does not exist.
struct TenantView {
    let store: any FootfallStore
    let caller: Identity

    init(_ dependencies: ServerDependencies, _ context: FootfallRequestContext) throws {
        caller = try context.caller()
        store = dependencies.store.scoped(to: caller.user.tenantID)
    }

    /// Whether the caller may see and manage what belongs to `site`.
    func mayUse(site: String?) -> Bool {
        caller.user.maySee(site: site)
    }

    /// The cameras the caller may see.
    func cameras() async throws -> [Camera] {
        try await store.cameras().filter { mayUse(site: $0.siteID) }
    }

    /// The camera `id`, or 404 if it does not exist or the caller may not see it.
    func camera(_ id: String) async throws -> Camera {
        guard let camera = try await store.camera(id: id), mayUse(site: camera.siteID) else {
            throw APIError.notFound(camera: id)
        }
        return camera
    }
}
