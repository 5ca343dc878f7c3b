import CountingCore
import Foundation
import Hummingbird
import Logging
import Messaging
import Pipeline
import Prometheus
import Server
import ServiceLifecycle
import Storage
import StorageSQLite

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
        var demoCamera: Camera?
        if configuration.demo {
            guard FileManager.default.isReadableFile(atPath: configuration.demoVideo) else {
                throw ConfigurationError.unreadableFile(
                    key: "demo-video", path: configuration.demoVideo,
                    reason: "the sample video is missing: run scripts/demo.sh once, or set --demo-video")
            }
            demoCamera = DemoCamera.camera(video: configuration.demoVideo)
        }
        let (setup, cameras) = try await openStore(
            configuration: configuration, migrate: configuration.migrateOnStart, logger: logger
        ) { [demoCamera] store in
            if let demoCamera { try await store.saveCamera(demoCamera) }
            return try await store.cameras()
        }
        let store = setup.store
        logger.info("storage.opened", metadata: ["storage": "\(setup.description)"])
        let live = InMemoryLiveState()
        let bus = InProcessEventBus()
        let registry = PrometheusCollectorRegistry()
        // One pipeline per stored camera (the demo camera among them when asked for). A file
        // plays as a live camera would: in real time, looped; a stream is read as it comes.
        let metrics = PipelineMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let pipelines = cameras.map { camera in
            let isFile = !camera.source.contains("://")
            return CameraPipeline(
                camera: camera,
                configuration: CameraPipelineConfiguration(realTime: isFile, loop: isFile, restartWhenEnded: !isFile),
                store: store, bus: bus, live: live, metrics: metrics, logger: logger)
        }
        let dependencies = ServerDependencies(store: store, live: live, bus: bus, metrics: registry)
        // The store first: services start in order and stop in reverse, so it outlives the pipelines.
        let services: [any Service] = setup.services
            + (pipelines.isEmpty ? [] : [CameraSupervisor(pipelines: pipelines, logger: logger)])
        return buildApplication(
            configuration: ServerConfiguration(host: configuration.host, port: configuration.port),
            dependencies: dependencies, services: services, logger: logger)
    }
}
