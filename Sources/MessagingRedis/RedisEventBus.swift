import Foundation
import Logging
import Messaging
import ServiceLifecycle

/// Live fan-out through Redis pub/sub: every process publishes its cameras' updates to one
/// channel, and every API process pushes what arrives there to its own WebSocket clients.
///
/// Pub/sub keeps no history: a process that is disconnected for a moment misses those updates
/// (the dashboard also polls `/api/v1/live`), which suits live numbers better than a queue
/// that would replay stale ones.
public final class RedisEventBus: EventBus, Service {
    private let client: RedisClient
    private let subscriber: RedisSubscriber
    private let channel: String
    private let local: InProcessEventBus
    private let logger: Logger

    public init(client: RedisClient, subscriber: RedisSubscriber, channel: String = "footfall:live",
                bufferSize: Int = 1_024, logger: Logger) {
        self.client = client
        self.subscriber = subscriber
        self.channel = channel
        self.local = InProcessEventBus(bufferSize: bufferSize)
        self.logger = logger
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    public func publish(_ message: LiveMessage) async {
        do {
            let json = String(decoding: try Self.encoder.encode(message), as: UTF8.self)
            _ = try await client.publish(json, to: channel)
        } catch {
            logger.warning("live.publish_failed", metadata: ["camera.id": "\(message.cameraID ?? "-")", "error": "\(error)"])
        }
    }

    public func subscribe() -> AsyncStream<LiveMessage> {
        local.subscribe()
    }

    /// Forwards what arrives on the channel to this process's subscribers until shutdown.
    public func run() async throws {
        try await subscriber.subscribe(channel)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        await cancelWhenGracefulShutdown { [subscriber, local, logger] in
            for await message in subscriber.messages {
                do {
                    local.publish(try decoder.decode(LiveMessage.self, from: Data(message.string.utf8)))
                } catch {
                    logger.warning("live.message_unreadable", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
