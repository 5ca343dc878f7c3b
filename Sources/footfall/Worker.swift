import ArgumentParser
import Foundation
import FootfallApp
import Logging
import ServiceLifecycle

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count cameras, without the API: start as many workers as the cameras need.",
        discussion: """
            Every worker is given every stored camera and counts those whose lease it holds, so two \
            workers never count the same camera and a camera whose worker dies is taken over within \
            seconds. Leases are shared through Redis (FOOTFALL_REDIS_URL); crossings go through \
            RabbitMQ (FOOTFALL_AMQP_URL) to the ingest consumer of `serve`, or straight into the store.
            """)

    @Option(help: "Directory for the SQLite database. [env: FOOTFALL_DATA_DIR, default: ./footfall-data]")
    var dataDir: String?

    @Option(help: "JSON configuration file. [env: FOOTFALL_CONFIG]")
    var config: String?

    @Option(help: "This worker's name in the lease table. [env: FOOTFALL_WORKER_NAME, default: host-pid]")
    var workerName: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical. [env: FOOTFALL_LOG_LEVEL, default: info]")
    var logLevel: String?

    func run() async throws {
        var given: [String: String] = [:]
        given["data-dir"] = dataDir
        given["config"] = config
        given["worker-name"] = workerName
        given["log-level"] = logLevel
        let configuration = try FootfallConfiguration.load(commandLine: given, environment: ProcessInfo.processInfo.environment)
        var logger = Logger(label: "footfall")
        logger.logLevel = configuration.logLevel
        logger[metadataKey: "worker"] = "\(configuration.workerName)"
        try await FootfallApp.buildWorker(configuration: configuration, logger: logger).run()
    }
}
