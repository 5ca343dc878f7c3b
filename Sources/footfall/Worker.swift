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

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp(Settings.workerName.optionHelp))
    var workerName: String?

    func run() async throws {
        let configuration = try common.load([Settings.workerName: workerName])
        var logger = CommonOptions.logger(configuration)
        logger[metadataKey: "worker"] = "\(configuration.workerName)"
        try await FootfallApp.buildWorker(configuration: configuration, logger: logger).run()
    }
}
