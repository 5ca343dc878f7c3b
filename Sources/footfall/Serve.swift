import ArgumentParser
import Foundation
import FootfallApp
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the API, the live WebSocket, the dashboard and the camera pipelines.",
        discussion: """
            With no servers configured everything runs in this process: a SQLite database in the \
            data directory, an in-process cache and event bus. Every option can also be set by an \
            environment variable (FOOTFALL_ and the option name, e.g. FOOTFALL_DATA_DIR) or in a \
            JSON configuration file; the command line wins over the environment, which wins over the file. \
            FOOTFALL_REDIS_URL (redis://…) moves the live cache, fan-out, camera leases and rate limits \
            to Redis; FOOTFALL_AMQP_URL (amqp://…) carries crossings and events through RabbitMQ. \
            Both hold passwords, so they are read from the environment or the file only.
            """)

    @Option(help: "Directory for the database and local files. [env: FOOTFALL_DATA_DIR, default: ./footfall-data]")
    var dataDir: String?

    @Option(help: "Address to listen on. [env: FOOTFALL_HOST, default: 127.0.0.1]")
    var host: String?

    @Option(help: "Port to listen on. [env: FOOTFALL_PORT, default: 8080]")
    var port: Int?

    @Flag(help: "Also run the demo camera: OpenCV's vtest.avi played in real time, looped. [env: FOOTFALL_DEMO]")
    var demo = false

    @Option(help: "Video the demo camera plays. [env: FOOTFALL_DEMO_VIDEO, default: <data-dir>/samples/vtest.avi]")
    var demoVideo: String?

    @Option(help: "JSON configuration file with the same keys as the options (\"data-dir\", \"port\", …). [env: FOOTFALL_CONFIG]")
    var config: String?

    @Option(help: "PostgreSQL URL to use as the system of record instead of SQLite (postgres://user:password@host:port/db?sslmode=require). [env: FOOTFALL_DATABASE_URL]")
    var databaseURL: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical. [env: FOOTFALL_LOG_LEVEL, default: info]")
    var logLevel: String?

    @Option(help: "API requests one client may make per minute; 0 turns the limit off. [env: FOOTFALL_REQUESTS_PER_MINUTE, default: 0]")
    var requestsPerMinute: Int?

    @Flag(help: "Serve the API only; workers (`footfall worker`) count the cameras. [env: FOOTFALL_CAMERAS=false]")
    var noCameras = false

    func run() async throws {
        var given: [String: String] = [:]
        given["data-dir"] = dataDir
        given["host"] = host
        given["port"] = port.map(String.init)
        given["demo"] = demo ? "true" : nil
        given["demo-video"] = demoVideo
        given["config"] = config
        given["log-level"] = logLevel
        given["database-url"] = databaseURL
        given["requests-per-minute"] = requestsPerMinute.map(String.init)
        given["cameras"] = noCameras ? "false" : nil
        let configuration = try FootfallConfiguration.load(
            commandLine: given, environment: ProcessInfo.processInfo.environment)
        var logger = Logger(label: "footfall")
        logger.logLevel = configuration.logLevel
        let app = try await FootfallApp.buildServer(configuration: configuration, logger: logger)
        try await app.runService()
    }
}
