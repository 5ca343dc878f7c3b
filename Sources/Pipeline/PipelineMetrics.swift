import Metrics

/// Every metric Footfall's pipelines emit, named in one place. Labels stay low-cardinality:
/// the camera id and the line or zone name, never a track id.
public struct PipelineMetrics: Sendable {
    public enum Name {
        public static let framesAnalysed = "footfall_frames_analysed_total"
        public static let framesDropped = "footfall_frames_dropped_total"
        public static let framesShed = "footfall_frames_shed_total"
        public static let crossings = "footfall_crossings_total"
        public static let occupancy = "footfall_zone_occupancy"
        public static let storeErrors = "footfall_store_errors_total"
        public static let checkpointErrors = "footfall_checkpoint_errors_total"
        public static let crossingsDropped = "footfall_crossings_dropped_total"
        /// Crossings the store's fences refused at ingest (counted after a lease passed on; the
        /// new holder counts them). Without labels: the ingest consumer sees batches, not cameras.
        public static let crossingsFenced = "footfall_crossings_fenced_total"
        public static let analysisSeconds = "footfall_frame_analysis_seconds"
        public static let cameraOnline = "footfall_camera_online"
        public static let leaseHeld = "footfall_camera_lease_held"
        public static let crossingsHeld = "footfall_crossings_held"
        /// Frames decoded and waiting for analysis, per camera (at most the queue's capacity).
        public static let frameQueueDepth = "footfall_frame_queue_depth"
        /// Cameras this process counts, and its share of all cameras (without labels: one per process).
        public static let workerCameras = "footfall_worker_cameras"
        public static let workerShare = "footfall_worker_share"
        /// Messages waiting in a RabbitMQ queue (`QueueDepthMonitor`, labelled `queue`): the
        /// ingest queue's backlog and the dead letters. Not a pipeline's, but named here with
        /// the rest.
        public static let queueMessages = "footfall_queue_messages"
    }

    public let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func framesAnalysed(camera: String) -> Counter {
        Counter(label: Name.framesAnalysed, dimensions: [("camera", camera)], factory: factory)
    }

    func framesDropped(camera: String) -> Counter {
        Counter(label: Name.framesDropped, dimensions: [("camera", camera)], factory: factory)
    }

    /// Frames not analysed because detection was behind and the camera fell back to its minimum rate.
    func framesShed(camera: String) -> Counter {
        Counter(label: Name.framesShed, dimensions: [("camera", camera)], factory: factory)
    }

    func crossings(camera: String, line: String, direction: String) -> Counter {
        Counter(label: Name.crossings, dimensions: [("camera", camera), ("line", line), ("direction", direction)],
                factory: factory)
    }

    func occupancy(camera: String, zone: String) -> Gauge {
        Gauge(label: Name.occupancy, dimensions: [("camera", camera), ("zone", zone)], factory: factory)
    }

    /// Crossings given up on: refused by the store, or beyond what a camera may hold back.
    func crossingsDropped(camera: String) -> Counter {
        Counter(label: Name.crossingsDropped, dimensions: [("camera", camera)], factory: factory)
    }

    /// 1 while the camera is online in this process (frames arrive and are analysed), else 0.
    func cameraOnline(camera: String) -> Gauge {
        Gauge(label: Name.cameraOnline, dimensions: [("camera", camera)], factory: factory)
    }

    /// 1 while this process counts the camera under a lease, else 0.
    func leaseHeld(camera: String) -> Gauge {
        Gauge(label: Name.leaseHeld, dimensions: [("camera", camera)], factory: factory)
    }

    /// Frames decoded and waiting for analysis.
    func frameQueueDepth(camera: String) -> Gauge {
        Gauge(label: Name.frameQueueDepth, dimensions: [("camera", camera)], factory: factory)
    }

    /// Cameras this process counts.
    func workerCameras() -> Gauge {
        Gauge(label: Name.workerCameras, dimensions: [], factory: factory)
    }

    /// This process's share of all cameras.
    func workerShare() -> Gauge {
        Gauge(label: Name.workerShare, dimensions: [], factory: factory)
    }

    /// Crossings the camera holds because the broker or store has not taken them yet.
    func crossingsHeld(camera: String) -> Gauge {
        Gauge(label: Name.crossingsHeld, dimensions: [("camera", camera)], factory: factory)
    }

    /// A run ended: the camera is not online, nor counted under a lease, until the next run.
    func runEnded(camera: String) {
        cameraOnline(camera: camera).record(0)
        leaseHeld(camera: camera).record(0)
    }

    /// This process gave the camera up (removed, or counted by another process now): its gauges
    /// go, so that it is not shown offline, or at its last occupancy, here for ever.
    func forget(camera: String, zones: [String]) {
        cameraOnline(camera: camera).destroy()
        leaseHeld(camera: camera).destroy()
        crossingsHeld(camera: camera).destroy()
        frameQueueDepth(camera: camera).destroy()
        for zone in zones { occupancy(camera: camera, zone: zone).destroy() }
    }

    func storeErrors(camera: String) -> Counter {
        Counter(label: Name.storeErrors, dimensions: [("camera", camera)], factory: factory)
    }

    /// Checkpoints of a pushed camera that could not be read or written.
    func checkpointErrors(camera: String) -> Counter {
        Counter(label: Name.checkpointErrors, dimensions: [("camera", camera)], factory: factory)
    }
}
