import Logging
import Messaging
import MessagingRabbitMQ
import MessagingRedis
import NIOPosix
import Pipeline
import ServiceLifecycle
import Storage

extension FootfallApp {
    /// The live cache, event bus, leases and crossing path chosen by configuration, and the
    /// services they need running.
    public struct MessagingSetup: Sendable {
        public var live: any LiveStateStore
        public var bus: any EventBus
        public var rateLimiter: any RateLimiter
        public var inbox: any DetectionInbox
        /// Where pushed cameras' counting is kept for the next worker to take them.
        public var checkpoints: any CameraCheckpoints
        /// Recently checked sessions and API tokens.
        public var sessions: any SessionCache
        /// Where pipelines hand their crossings; nil: straight into the store.
        public var sink: (any CrossingSink)?
        /// Shared camera leases when several processes count cameras; nil in one process.
        public var leasing: CameraSupervisor.Leasing?
        /// Where workers announce themselves and what they count.
        public var workers: any WorkerRegistry
        /// Connections and consumers, to run before anything that uses them.
        public var services: [any Service]
        /// The RabbitMQ client, when configured (for the ingest consumer and dead letters).
        public var amqp: AMQPClient?
        /// Where live state and events go, for logs (no password).
        public var description: String
    }

    /// Redis when `redis-url` is set (live cache, fan-out, leases, workers, checkpoints, rate limits),
    /// RabbitMQ when `amqp-url` is set (crossings, events and pushed detections); whatever is not
    /// configured stays in process.
    public static func openMessaging(configuration: FootfallConfiguration, logger: Logger) throws -> MessagingSetup {
        var setup = MessagingSetup(
            live: InMemoryLiveState(), bus: InProcessEventBus(), rateLimiter: InMemoryRateLimiter(),
            inbox: InProcessDetectionInbox(), checkpoints: InMemoryCameraCheckpoints(), sessions: InMemorySessionCache(), sink: nil, leasing: nil,
            workers: InMemoryWorkerRegistry(), services: [], amqp: nil, description: "in process")
        var parts: [String] = []
        if let url = configuration.redisURL {
            let redis: RedisConfiguration
            do {
                redis = try RedisConfiguration(url: url)
            } catch {
                throw ConfigurationError.invalidValue(key: Settings.redisURL.key, source: Settings.redisURL.environmentVariable, reason: error.description)
            }
            let client = RedisClient(configuration: redis, logger: logger)
            let subscriber = RedisSubscriber(configuration: redis, logger: logger)
            let bus = RedisEventBus(client: client, subscriber: subscriber, logger: logger)
            setup.live = RedisLiveState(client: client, logger: logger)
            setup.bus = bus
            setup.rateLimiter = RedisRateLimiter(client: client)
            setup.sessions = RedisSessionCache(client: client, logger: logger)
            // After an emptied Redis, no lease is granted for a whole lease: by then every old holder has stopped.
            let lease = Duration.milliseconds(Int64(configuration.leaseSeconds * 1000))
            setup.leasing = CameraSupervisor.Leasing(leases: RedisCameraLeases(client: client, gracePeriod: lease),
                                                     owner: configuration.workerName, duration: lease)
            setup.workers = RedisWorkerRegistry(client: client)
            setup.checkpoints = RedisCameraCheckpoints(client: client)
            setup.services += [client, subscriber, bus]
            parts.append("redis \(redis.description)")
        }
        if let url = configuration.amqpURL {
            let amqp: AMQPConfiguration
            do {
                amqp = try AMQPConfiguration(url: url)
            } catch {
                throw ConfigurationError.invalidValue(key: Settings.amqpURL.key, source: Settings.amqpURL.environmentVariable, reason: "\(error)")
            }
            let client = AMQPClient(configuration: amqp, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
            setup.sink = AMQPCrossingSink(client: client)
            // Pushed detections wait on the broker for whichever worker holds the camera.
            setup.inbox = AMQPDetectionInbox(client: client)
            setup.bus = AMQPEventForwarder(wrapping: setup.bus, client: client, logger: logger)
            setup.amqp = client
            setup.services.append(client)
            parts.append("rabbitmq \(amqp.description)")
        }
        if !parts.isEmpty { setup.description = parts.joined(separator: ", ") }
        return setup
    }
}
