import Foundation
import Messaging
import Prometheus
import Storage

/// What the HTTP server reads from and listens to; built by the composition root.
public struct ServerDependencies: Sendable {
    /// The store; requests use its view of the caller's tenant.
    public var store: any FootfallStore
    public var live: any LiveStateStore
    public var bus: any EventBus
    public var metrics: PrometheusCollectorRegistry
    /// Where detections pushed by smart cameras go.
    public var inbox: any DetectionInbox
    /// Shared request counters for the API's rate limit and sign-in throttling.
    public var rateLimiter: any RateLimiter
    /// Recently checked sessions and tokens.
    public var sessions: any SessionCache
    /// Where alert changes made through the API (acknowledged, resolved with their rule) go to
    /// be delivered; nil without a webhook.
    public var alertDeliveries: (any WebhookQueue)?
    /// Where stored files' bytes are (reports, exports); nil when nothing is stored.
    public var files: (any FileStore)?
    /// Keeps cameras' pictures as files (people pixelated by default); nil without a file store.
    public var snapshots: SnapshotSaver?
    /// How long a count export is kept in the file store.
    public var exportsKeepFor: Duration
    /// What `/readyz` checks (none: always ready).
    public var readiness: [ReadinessCheck]
    /// Where workers announce what they count (`GET /api/v1/workers`).
    public var workers: any WorkerRegistry
    public var clock: @Sendable () -> Date

    public init(store: any FootfallStore, live: any LiveStateStore, bus: any EventBus,
                metrics: PrometheusCollectorRegistry, inbox: any DetectionInbox = InProcessDetectionInbox(),
                rateLimiter: any RateLimiter = InMemoryRateLimiter(), sessions: any SessionCache = InMemorySessionCache(),
                alertDeliveries: (any WebhookQueue)? = nil, files: (any FileStore)? = nil, snapshots: SnapshotSaver? = nil,
                exportsKeepFor: Duration = .seconds(7 * 86_400), readiness: [ReadinessCheck] = [],
                workers: any WorkerRegistry = InMemoryWorkerRegistry(), clock: @escaping @Sendable () -> Date = Date.init) {
        self.exportsKeepFor = exportsKeepFor
        self.readiness = readiness
        self.workers = workers
        self.snapshots = snapshots ?? files.map { SnapshotSaver(live: live, files: $0) }
        self.store = store
        self.live = live
        self.bus = bus
        self.metrics = metrics
        self.inbox = inbox
        self.rateLimiter = rateLimiter
        self.sessions = sessions
        self.alertDeliveries = alertDeliveries
        self.files = files
        self.clock = clock
    }
}
