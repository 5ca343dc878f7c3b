import Foundation
import Storage
import Synchronization

/// Each tenant's cameras, as `GET /api/v1/live` needs them on every request, kept for
/// `lifetime` seconds of wall-clock time: polling dashboards then cost the database nothing.
/// A change made through this server drops its tenant's entry at once; one made through
/// another server shows within `lifetime`.
final class CameraListCache: Sendable {
    private struct Entry {
        var cameras: [Camera]
        var fetched: Date
    }

    private let entries = Mutex<[UUID: Entry]>([:])
    /// Bumped by every invalidation, so that a load that began before one is not kept.
    private let generations = Mutex<[UUID: Int]>([:])
    let lifetime: TimeInterval

    init(lifetime: TimeInterval = 1) {
        self.lifetime = lifetime
    }

    /// `tenant`'s cameras: the kept list while it is fresh, else `load()`'s, which is kept.
    func cameras(tenant: UUID, now: Date, load: () async throws -> [Camera]) async throws -> [Camera] {
        if let entry = entries.withLock({ $0[tenant] }), now.timeIntervalSince(entry.fetched) < lifetime, now >= entry.fetched {
            return entry.cameras
        }
        let generation = generations.withLock { $0[tenant] ?? 0 }
        let cameras = try await load()
        entries.withLock { entries in
            // A change announced while loading wins: the next request loads again.
            if generations.withLock({ $0[tenant] ?? 0 }) == generation {
                entries[tenant] = Entry(cameras: cameras, fetched: now)
            }
        }
        return cameras
    }

    /// Forgets `tenant`'s list: one of its cameras changed.
    func invalidate(tenant: UUID) {
        generations.withLock { $0[tenant, default: 0] += 1 }
        entries.withLock { _ = $0.removeValue(forKey: tenant) }
    }
}
