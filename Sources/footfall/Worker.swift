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
            seconds. Workers share the cameras in proportion to their capacity: one that joins is \
            handed some, one that dies has its cameras taken by the rest. Leases are shared through Redis (FOOTFALL_REDIS_URL); crossings go through \
            RabbitMQ (FOOTFALL_AMQP_URL) to the ingest consumer of `serve`, or straight into the store.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp(Settings.workerName.optionHelp))
    var workerName: String?

    // Text, so that the one reader checks it and names the setting when it is wrong.
    @Option(help: ArgumentHelp(Settings.workerCapacity.optionHelp))
    var workerCapacity: String?

    func run() async throws {
        let configuration = try common.load([Settings.workerName: workerName, Settings.workerCapacity: workerCapacity])
        var logger = CommonOptions.logger(configuration)
        logger[metadataKey: "worker"] = "\(configuration.workerName)"
        try await FootfallApp.buildWorker(configuration: configuration, logger: logger).run()
    }
}
