import Analytics
import Alerting
import CountingCore
import Foundation
import Hummingbird
import Logging
import Messaging
import MessagingRabbitMQ
import Metrics
import Pipeline
import Prometheus
import Server
import ServiceLifecycle
import Storage
import StorageSQLite
import Vision

/// The composition root: builds what each `footfall` subcommand runs. `main` only parses
/// arguments and calls these; tests call them too.
public enum FootfallApp {
    /// The SQLite file inside the data directory.
    public static func databasePath(dataDirectory: String) -> String {
        dataDirectory + "/footfall.sqlite"
    }

    /// Creates the data directory and opens the embedded store, applying migrations.
    public static func openStore(dataDirectory: String, migrate: Bool = true) throws -> SQLiteStore {
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError.invalidValue(key: "data-dir", source: dataDirectory,
                                                  reason: "cannot create the directory: \(error.localizedDescription)")
        }
        return try SQLiteStore(path: databasePath(dataDirectory: dataDirectory), migrate: migrate)
    }

    /// `footfall migrate`: applies missing migrations and returns their versions.
    public static func migrate(dataDirectory: String) async throws -> [Int] {
        let store = try openStore(dataDirectory: dataDirectory, migrate: false)
        return try await store.migrate()
    }

    /// `footfall serve`: the HTTP server and a pipeline for every stored camera (with `demo`,
    /// the demo camera is stored first), in one service group.
    public static func buildServer(configuration: FootfallConfiguration, logger: Logger) async throws
        -> some ApplicationProtocol
    {
        let tls = try tlsContext(configuration: configuration)
        var demoCamera: Camera?
        if configuration.demo {
            guard FileManager.default.isReadableFile(atPath: configuration.demoVideo) else {
                throw ConfigurationError.unreadableFile(
                    key: "demo-video", path: configuration.demoVideo,
                    reason: "the sample video is missing: run scripts/demo.sh once, or set --demo-video")
            }
            demoCamera = DemoCamera.camera(video: configuration.demoVideo, dataDirectory: configuration.dataDirectory)
        }
        let authentication = Authenticator.Settings()
        let files = openFiles(configuration: configuration, logger: logger)
        let setup: StoreSetup
        let messaging: MessagingSetup
        do {
            (setup, _) = try await openStore(
                configuration: configuration, migrate: configuration.migrateOnStart, logger: logger, archive: files.store
            ) { [demoCamera] store in
                if let demoCamera { try await store.saveCamera(demoCamera) }
                await ModelCatalog.register(dataDirectory: configuration.dataDirectory, in: store, logger: logger)
                if let password = configuration.adminPassword {
                    try await createFirstAdministrator(password: password, store: store, settings: authentication, logger: logger)
                }
            }
            messaging = try openMessaging(configuration: configuration, logger: logger)
        } catch {
            await closeFiles(files.services)
            throw error
        }
        let store = setup.store
        logger.info("storage.opened", metadata: ["storage": "\(setup.description)"])
        logger.info("messaging.opened", metadata: ["messaging": "\(messaging.description)"])
        let registry = PrometheusCollectorRegistry()
        let metrics = PipelineMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let dependencies = ServerDependencies(store: store, live: messaging.live, bus: messaging.bus, metrics: registry,
                                              inbox: messaging.inbox, rateLimiter: messaging.rateLimiter,
                                              sessions: messaging.sessions, files: files.store,
                                              snapshots: SnapshotSaver(
                                                  live: messaging.live, files: files.store, blur: configuration.snapshotBlur,
                                                  keepFor: .seconds(configuration.retentionDays.snapshots * 86_400)),
                                              exportsKeepFor: .seconds(configuration.retentionDays.exports * 86_400),
                                              readiness: readinessChecks(store: store, messaging: messaging),
                                              workers: messaging.workers)
        let ingest: [any Service] = messaging.amqp.map { client in
            [CrossingIngestService(client: client, store: store, logger: logger) { [factory = metrics.factory] fenced in
                Counter(label: PipelineMetrics.Name.crossingsFenced, factory: factory).increment(by: fenced)
             },
             queueDepthMonitor(client: client, factory: PrometheusMetricsFactory(registry: registry), logger: logger)]
        } ?? []
        // Services start in order and stop in reverse: the store and the brokers outlive the
        // pipelines, so crossings still in flight at shutdown reach them.
        // Inference threads outlive the pipelines that hand them frames.
        let inference = InferenceService(threads: configuration.inferenceThreads)
        let cameras: [any Service] = configuration.runCameras
            ? [inference, cameraSupervisor(store: store, messaging: messaging, metrics: metrics, includeExternal: true,
                                           configuration: configuration, inference: inference, logger: logger)]
            : []
        let delivery = webhookDelivery(configuration: configuration, messaging: messaging, logger: logger)
        let alerts = AlertMonitor(store: store, live: messaging.live, bus: messaging.bus, deliveries: delivery.queue,
                                  snapshots: dependencies.snapshots, logger: logger)
        let reports = ReportScheduler(store: store, files: files.store, time: configuration.reportTime, webhook: delivery.queue,
                                      publicURL: configuration.publicURLs.first, logger: logger)
        // The file store's client outlives the store's maintenance, which archives to it.
        let drain: [any Service] = configuration.runCameras
            ? [spoolDrain(configuration: configuration, store: store, messaging: messaging, logger: logger)] : []
        let services: [any Service] = files.services + setup.services + messaging.services + ingest + delivery.services
            + [alerts, reports, MemoryTrimService()] + drain + cameras
        return buildApplication(
            configuration: ServerConfiguration(host: configuration.host, port: configuration.port,
                                               requestsPerMinute: configuration.requestsPerMinute,
                                               mediaDirectory: configuration.mediaDirectory,
                                               secureCookies: configuration.secureCookies, publicURLs: configuration.publicURLs,
                                               pushWindow: PushWindow(maximumAge: .seconds(configuration.pushMaxAge),
                                                                      maximumLead: .seconds(configuration.pushMaxLead)),
                                               limits: ConnectionLimits(
                                                   maximumConnections: configuration.maxConnections,
                                                   maximumConnectionsPerAddress: configuration.maxConnectionsPerAddress,
                                                   headerTimeout: .seconds(configuration.headerTimeout),
                                                   idleTimeout: .seconds(configuration.idleTimeout),
                                                   requestTimeout: .seconds(configuration.requestTimeout),
                                                   maximumHeaderBytes: configuration.maxHeaderBytes,
                                                   maximumLiveStreamsPerAddress: configuration.maxLiveStreamsPerAddress,
                                                   webSocketPingInterval: .seconds(configuration.livePingInterval)),
                                               authentication: authentication, tls: tls,
                                               requirePushSignature: configuration.requirePushSignature),
            dependencies: dependencies, services: services, logger: logger)
    }

    /// `footfall worker`: camera pipelines only, no API. Each camera is counted by whichever
    /// worker holds its lease (shared through Redis when configured), so any number of workers
    /// can be started with the same configuration. With `worker-http-port`, it also answers
    /// `/healthz`, `/readyz` and `/metrics` on `host`.
    public static func buildWorker(configuration: FootfallConfiguration, logger: Logger) async throws -> ServiceGroup {
        // Without shared leases each worker would count every camera: refuse rather than double count.
        guard configuration.redisURL != nil else {
            throw ConfigurationError.invalidValue(
                key: Settings.redisURL.key, source: "default",
                reason: "workers share cameras through Redis leases: set FOOTFALL_REDIS_URL (or count cameras with `serve`)")
        }
        let (setup, _) = try await openStore(
            configuration: configuration, migrate: configuration.migrateOnStart, logger: logger
        ) { store in
            await ModelCatalog.register(dataDirectory: configuration.dataDirectory, in: store, logger: logger)
        }
        logger.info("storage.opened", metadata: ["storage": "\(setup.description)"])
        let messaging = try openMessaging(configuration: configuration, logger: logger)
        logger.info("messaging.opened", metadata: ["messaging": "\(messaging.description)"])
        let registry = PrometheusCollectorRegistry()
        let metrics = PipelineMetrics(factory: PrometheusMetricsFactory(registry: registry))
        // Smart cameras push their detections to an API process. With RabbitMQ they wait there for
        // whichever worker holds the camera; without it the API process receiving them counts them.
        let inference = InferenceService(threads: configuration.inferenceThreads)
        let supervisor = cameraSupervisor(store: setup.store, messaging: messaging, metrics: metrics,
                                          includeExternal: messaging.inbox.isDurable,
                                          configuration: configuration, inference: inference, logger: logger)
        let drain = spoolDrain(configuration: configuration, store: setup.store, messaging: messaging, logger: logger)
        var services: [any Service] = setup.services + messaging.services + [drain, inference, supervisor]
        if configuration.workerHTTPPort > 0 {
            services.append(buildHealthApplication(
                host: configuration.host, port: configuration.workerHTTPPort, metrics: registry,
                readiness: readinessChecks(store: setup.store, messaging: messaging), logger: logger))
        }
        return ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    }

    /// Every process's crossing spools: `<data-dir>/spool/<process>/<tenant id>/`.
    static func spoolRoot(_ configuration: FootfallConfiguration) -> String {
        configuration.dataDirectory + "/spool"
    }

    /// Where this process spools a tenant's crossings. Live runs lock their files, so processes
    /// sharing a data directory never take each other's; the process name only keeps them apart.
    static func spoolDirectory(_ configuration: FootfallConfiguration, tenant: UUID) -> String {
        let process = Array(configuration.workerName.utf8).map { String(format: "%02x", $0) }.joined()
        return spoolRoot(configuration) + "/" + process + "/" + tenant.uuidString
    }

    /// Delivers the spools no live run holds, each through its tenant's sink.
    static func spoolDrain(configuration: FootfallConfiguration, store: any FootfallStore, messaging: MessagingSetup,
                           logger: Logger) -> SpoolDrainService {
        SpoolDrainService(root: spoolRoot(configuration), logger: logger) { tenant in
            messaging.sink ?? DirectCrossingSink(store: store.scoped(to: tenant))
        }
    }

    /// Records the ingest queue's backlog and the dead letters as `footfall_queue_messages`.
    static func queueDepthMonitor(client: AMQPClient, factory: any MetricsFactory, logger: Logger) -> QueueDepthMonitor {
        let topology = FootfallTopology()
        return QueueDepthMonitor(client: client, queues: [topology.ingestQueue, topology.deadLetterQueue], logger: logger) {
            queue, messages in
            Gauge(label: PipelineMetrics.Name.queueMessages, dimensions: [("queue", queue)], factory: factory).record(messages)
        }
    }

    /// How often the cameras are read again when no change notice arrives (changes made by the
    /// command line to the embedded store, or a notice lost while a broker restarted).
    static let cameraRefreshInterval = Duration.seconds(5)

    /// The supervisor of every camera in the store, following changes as they are made.
    static func cameraSupervisor(store: any FootfallStore, messaging: MessagingSetup, metrics: PipelineMetrics,
                                 includeExternal: Bool, configuration: FootfallConfiguration, inference: InferenceService,
                                 logger: Logger) -> CameraSupervisor {
        return CameraSupervisor(
            directory: StoreCameraDirectory(store: store, includeExternal: includeExternal),
            makePipeline: { managed in
                pipeline(for: managed, store: store.scoped(to: managed.tenantID), messaging: messaging, metrics: metrics,
                         configuration: configuration, inference: inference,
                         spoolDirectory: spoolDirectory(configuration, tenant: managed.tenantID), logger: logger)
            },
            changes: messaging.bus, refreshInterval: cameraRefreshInterval, leasing: messaging.leasing,
            announcing: CameraSupervisor.Announcing(registry: messaging.workers, name: configuration.workerName,
                                                    capacity: configuration.workerCapacity, metrics: metrics),
            logger: logger)
    }

    /// A camera's pipeline. A file plays as a live camera would: in real time, looped; a
    /// stream is read as it comes and restarted when it ends. Detection runs on the process's
    /// inference threads.
    static func pipeline(for managed: ManagedCamera, store: any FootfallStore, messaging: MessagingSetup,
                         metrics: PipelineMetrics, configuration: FootfallConfiguration, inference: InferenceService,
                         spoolDirectory: String, logger: Logger) -> CameraPipeline {
        let camera = managed.camera
        let isFile = if case .file = camera.sourceKind { true } else { false }
        let (detector, reason) = DetectorChoice.specification(for: camera, dataDirectory: configuration.dataDirectory)
        logger.info("camera.detector_chosen", metadata: ["camera.id": "\(camera.id)", "camera.detector": "\(reason)"])
        // Pushed detections come from the camera's own model, which Footfall does not know.
        let model = camera.sourceKind == .external ? nil : ModelCatalog.model(for: detector, now: Date())
        return CameraPipeline(
            camera: camera,
            configuration: CameraPipelineConfiguration(
                realTime: isFile, loop: isFile, detector: detector, model: model, counting: detector.recommendedCounting,
                analysisRate: camera.analysisRate,
                minimumAnalysisRate: min(configuration.minimumAnalysisRate, camera.analysisRate ?? .infinity),
                inference: inference, decoder: configuration.decoder, restartWhenEnded: !isFile,
                spoolDirectory: spoolDirectory),
            store: store, sink: messaging.sink, inbox: messaging.inbox, checkpoints: messaging.checkpoints,
            bus: messaging.bus, live: messaging.live,
            metrics: metrics, logger: logger)
    }
}
