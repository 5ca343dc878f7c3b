import Foundation
import Storage
import Synchronization

/// Each tenant's cameras, as `GET /api/v1/live` needs them on every request, kept for
/// `lifetime` seconds of wall-clock time: polling dashboards then cost the database nothing.
/// A change made through this server drops its tenant's entry at once; one made through
/// another server shows within `lifetime` (and the time one reload takes).
final class CameraListCache: Sendable {
    private struct Tenant {
        var cameras: [Camera]?
        var fetched = Date.distantPast
        /// A reload is under way: meanwhile, other requests take the list kept so far.
        var reloading = false
        /// Bumped by every invalidation, so that a load that began before one is not kept.
        var generation = 0
    }

    private let tenants = Mutex<[UUID: Tenant]>([:])
    let lifetime: TimeInterval

    init(lifetime: TimeInterval = 1) {
        self.lifetime = lifetime
    }

    /// `tenant`'s cameras: the kept list while it is fresh (or while another request reloads
    /// it), else `load()`'s, which is kept.
    func cameras(tenant id: UUID, now: Date, load: () async throws -> [Camera]) async throws -> [Camera] {
        enum Plan { case kept([Camera]), load(generation: Int) }
        let plan: Plan = tenants.withLock { tenants in
            var tenant = tenants[id] ?? Tenant()
            defer { tenants[id] = tenant }
            let age = now.timeIntervalSince(tenant.fetched)
            if let cameras = tenant.cameras, (age >= 0 && age < lifetime) || tenant.reloading {
                return .kept(cameras)
            }
            tenant.reloading = true
            return .load(generation: tenant.generation)
        }
        let generation: Int
        switch plan {
        case .kept(let cameras): return cameras
        case .load(let current): generation = current
        }
        do {
            let cameras = try await load()
            tenants.withLock { tenants in
                guard var tenant = tenants[id] else { return }
                tenant.reloading = false
                // A change announced while loading wins: the next request loads again.
                if tenant.generation == generation {
                    tenant.cameras = cameras
                    tenant.fetched = now
                }
                tenants[id] = tenant
            }
            return cameras
        } catch {
            tenants.withLock { $0[id]?.reloading = false }
            throw error
        }
    }

    /// Forgets `tenant`'s list: one of its cameras changed.
    func invalidate(tenant id: UUID) {
        tenants.withLock { tenants in
            var tenant = tenants[id] ?? Tenant()
            tenant.cameras = nil
            tenant.generation += 1
            tenants[id] = tenant
        }
    }
}
