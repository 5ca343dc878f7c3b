import ArgumentParser
import Foundation
import FootfallApp
import Logging
import MessagingRabbitMQ
import NIOPosix

struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List or replay the crossings the ingest consumer could not store (RabbitMQ).",
        discussion: """
            `list` prints each dead letter with its reason and leaves it in the queue; `replay` \
            publishes them again to footfall.events (fix the cause first, e.g. add the missing \
            camera) and removes each once the broker confirmed its copy. Needs FOOTFALL_AMQP_URL.
            """)

    enum Action: String, CaseIterable, ExpressibleByArgument {
        case list, replay
    }

    @Argument(help: "What to do with the dead letters.")
    var action: Action

    @Option(help: "At most this many messages.")
    var limit = 100

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        let configuration = try common.load()
        guard let url = configuration.amqpURL else {
            throw ValidationError("set \(Settings.amqpURL.environmentVariable) (amqp://user:password@host:port/vhost)")
        }
        let logger = CommonOptions.logger(configuration)
        let client = AMQPClient(configuration: try AMQPConfiguration(url: url),
                                eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let deadLetters = DeadLetters(client: client)
        let action = action, limit = limit
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            try await client.declare(FootfallTopology().declarations)
            if action == .list {
                let entries = try await deadLetters.list(limit: limit)
                for entry in entries {
                    print("\(entry.messageID ?? "-")  \(entry.routingKey)  attempts \(entry.attempts)  \(entry.reason)")
                }
                print("\(entries.count) dead letter(s) shown")
            } else {
                print("replayed \(try await deadLetters.replay(limit: limit)) dead letter(s)")
            }
        }
    }
}
