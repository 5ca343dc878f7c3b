import CountingCore
import FootfallSupport
/// Exchanges, queues and bindings the client declares, remembers, and declares again after every reconnect.
public struct AMQPTopology: Sendable, Hashable {
    /// An exchange to declare.
    public struct Exchange: Sendable, Hashable {
        /// The kinds of exchange Footfall uses.
        public enum Kind: String, Sendable, Hashable {
            /// Routes by exact routing key.
            case direct
            /// Routes by routing-key pattern (`*`, `#`).
            case topic
            /// Routes to every bound queue.
            case fanout
        }

        /// Exchange name.
        public var name: String
        /// Exchange kind.
        public var kind: Kind
        /// Survives a broker restart.
        public var durable: Bool
        /// Deleted when its last binding goes.
        public var autoDelete: Bool
        /// Extra arguments (e.g. `alternate-exchange`).
        public var arguments: AMQPFieldTable

        /// Creates an exchange declaration.
        public init(name: String, kind: Kind, durable: Bool = true, autoDelete: Bool = false, arguments: AMQPFieldTable = [:]) {
            self.name = name
            self.kind = kind
            self.durable = durable
            self.autoDelete = autoDelete
            self.arguments = arguments
        }
    }

    /// A queue to declare.
    public struct Queue: Sendable, Hashable {
        /// Queue name.
        public var name: String
        /// Survives a broker restart.
        public var durable: Bool
        /// Owned by the declaring connection and deleted with it.
        public var exclusive: Bool
        /// Deleted when its last consumer goes.
        public var autoDelete: Bool
        /// Queue arguments (`x-dead-letter-exchange`, `x-message-ttl`, `x-max-length`, `x-queue-type`, ...).
        public var arguments: AMQPFieldTable

        /// Creates a queue declaration; the named parameters fill in RabbitMQ's common queue arguments.
        public init(name: String, durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false,
                    deadLetterExchange: String? = nil, deadLetterRoutingKey: String? = nil, messageTTL: Duration? = nil,
                    maxLength: Int? = nil, queueType: String? = nil, arguments: AMQPFieldTable = [:]) {
            self.name = name
            self.durable = durable
            self.exclusive = exclusive
            self.autoDelete = autoDelete
            var arguments = arguments
            if let deadLetterExchange { arguments["x-dead-letter-exchange"] = .string(deadLetterExchange) }
            if let deadLetterRoutingKey { arguments["x-dead-letter-routing-key"] = .string(deadLetterRoutingKey) }
            if let messageTTL {
                arguments["x-message-ttl"] = .int64(messageTTL.inMilliseconds)
            }
            if let maxLength { arguments["x-max-length"] = .int64(Int64(maxLength)) }
            if let queueType { arguments["x-queue-type"] = .string(queueType) }
            self.arguments = arguments
        }
    }

    /// A binding of a queue to an exchange.
    public struct Binding: Sendable, Hashable {
        /// The bound queue.
        public var queue: String
        /// The source exchange.
        public var exchange: String
        /// The routing key (or pattern for topic exchanges).
        public var routingKey: String
        /// Binding arguments.
        public var arguments: AMQPFieldTable

        /// Creates a binding.
        public init(queue: String, exchange: String, routingKey: String, arguments: AMQPFieldTable = [:]) {
            self.queue = queue
            self.exchange = exchange
            self.routingKey = routingKey
            self.arguments = arguments
        }
    }

    /// Exchanges, declared first.
    public var exchanges: [Exchange]
    /// Queues, declared second.
    public var queues: [Queue]
    /// Bindings, declared last.
    public var bindings: [Binding]

    /// Creates a topology.
    public init(exchanges: [Exchange] = [], queues: [Queue] = [], bindings: [Binding] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    /// This topology with `other` added; a later declaration of the same name replaces the earlier one.
    func merging(_ other: AMQPTopology) -> AMQPTopology {
        var result = self
        for exchange in other.exchanges {
            result.exchanges.removeAll { $0.name == exchange.name }
            result.exchanges.append(exchange)
        }
        for queue in other.queues {
            result.queues.removeAll { $0.name == queue.name }
            result.queues.append(queue)
        }
        for binding in other.bindings where !result.bindings.contains(binding) {
            result.bindings.append(binding)
        }
        return result
    }

    /// Declares everything on `channel`, in order: exchanges, queues, bindings.
    func declare(on channel: AMQPChannel) async throws {
        for exchange in exchanges {
            try await channel.call(.exchangeDeclare(exchange: exchange.name, type: exchange.kind.rawValue, passive: false,
                                                    durable: exchange.durable, autoDelete: exchange.autoDelete,
                                                    internal: false, noWait: false, arguments: exchange.arguments))
        }
        for queue in queues {
            try await channel.call(.queueDeclare(queue: queue.name, passive: false, durable: queue.durable,
                                                 exclusive: queue.exclusive, autoDelete: queue.autoDelete, noWait: false,
                                                 arguments: queue.arguments))
        }
        for binding in bindings {
            try await channel.call(.queueBind(queue: binding.queue, exchange: binding.exchange, routingKey: binding.routingKey,
                                              noWait: false, arguments: binding.arguments))
        }
    }
}
