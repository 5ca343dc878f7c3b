import Foundation
import Messaging

extension APIModels {
    /// `GET /api/v1/workers`: one process that counts cameras, and those of them the caller may see.
    struct WorkerItem: Encodable {
        var name: String
        /// Analysed frames per second it can carry.
        var capacity: Double
        /// Analysed frames per second of every camera it counts (the caller's or not).
        var load: Double
        /// How many cameras it counts in all.
        var cameraCount: Int
        /// Its share of all cameras (all of them without shared leases); absent before it knows the fleet.
        var target: Int?
        /// The cameras the caller may see that it counts.
        var cameras: [String]
        var startedAt: Date
        var announcedAt: Date
        /// Seconds from `announcedAt` to this answer, by the server's clock (never below 0).
        var secondsSinceAnnounced: Double

        init(_ status: WorkerStatus, visible: Set<String>, tenantID: UUID, now: Date) {
            name = status.name
            capacity = status.capacity
            load = (status.load * 10).rounded() / 10
            cameraCount = status.cameras.count
            target = status.target
            cameras = status.cameras.filter { $0.tenantID == tenantID && visible.contains($0.cameraID) }.map(\.cameraID).sorted()
            startedAt = status.startedAt
            announcedAt = status.announcedAt
            secondsSinceAnnounced = (max(0, now.timeIntervalSince(status.announcedAt)) * 10).rounded() / 10
        }
    }

    /// `GET /api/v1/workers`: the workers, and the enabled cameras the caller may see that none counts.
    struct WorkerList: Encodable {
        var workers: [WorkerItem]
        var unassigned: [String]
    }
}
