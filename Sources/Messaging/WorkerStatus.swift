import Foundation

/// What a worker announces about itself: who it is, how much it can carry and which cameras
/// it counts. Announcements expire unless repeated, so a worker that died drops out by itself.
public struct WorkerStatus: Codable, Hashable, Sendable {
    /// One camera a worker counts.
    public struct HeldCamera: Codable, Hashable, Sendable {
        /// The tenant the camera belongs to.
        public var tenantID: UUID
        /// The camera's id within its tenant.
        public var cameraID: String
        /// Analysed frames per second the worker spends on it.
        public var analysisRate: Double

        /// A camera of `tenantID` counted at `analysisRate` analysed frames per second.
        public init(tenantID: UUID, cameraID: String, analysisRate: Double) {
            self.tenantID = tenantID
            self.cameraID = cameraID
            self.analysisRate = analysisRate
        }
    }

    /// The worker's name (`worker-name`), unique in the fleet.
    public var name: String
    /// Analysed frames per second the worker can carry (`worker-capacity`).
    public var capacity: Double
    /// The cameras it counts now.
    public var cameras: [HeldCamera]
    /// How many cameras it aims to count: its share of all cameras by capacity.
    public var target: Int?
    /// When the worker started (its wall clock).
    public var startedAt: Date
    /// When this announcement was made (the worker's wall clock).
    public var announcedAt: Date

    /// An announcement of worker `name`.
    public init(name: String, capacity: Double, cameras: [HeldCamera], target: Int? = nil, startedAt: Date, announcedAt: Date) {
        self.name = name
        self.capacity = capacity
        self.cameras = cameras
        self.target = target
        self.startedAt = startedAt
        self.announcedAt = announcedAt
    }

    /// Analysed frames per second of the cameras it counts.
    public var load: Double { cameras.reduce(0) { $0 + $1.analysisRate } }
}
