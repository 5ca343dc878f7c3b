/// Footfall's exchanges and queues in RabbitMQ.
///
/// Events go to the topic exchange `footfall.events` with routing keys
/// `camera.<id>.crossing`, `camera.<id>.status`, `alert.<severity>` and `report.<period>`. Crossings are stored
/// by the ingest consumer from `footfall.ingest.crossings`; a batch that fails is retried
/// through `footfall.ingest.retry` (each message waits there, then returns to the ingest
/// queue), and after the last attempt, or at once when it can never succeed, lands in
/// `footfall.dead-letters` with the reason in its headers. What goes to the webhook, alert
/// changes (`alert.<severity>`) and reports made (`report.<period>`), waits in
/// `footfall.alerts.webhook`, and between attempts in `footfall.alerts.retry`; those given up
/// on land in the same dead letters. (The queues kept the names they had when they carried
/// alerts only, so that an upgrade finds what was waiting in them.) Another `namespace` gives another
/// set of names on the same broker (tests, or two sites sharing one).
public struct FootfallTopology: Sendable, Hashable {
    public var namespace: String

    public init(namespace: String = "footfall") {
        self.namespace = namespace
    }

    public var events: String { namespace + ".events" }
    public var ingestQueue: String { namespace + ".ingest.crossings" }
    public var retryQueue: String { namespace + ".ingest.retry" }
    public var deadLetterQueue: String { namespace + ".dead-letters" }
    public var webhookQueue: String { namespace + ".alerts.webhook" }
    public var webhookRetryQueue: String { namespace + ".alerts.retry" }

    /// Header names the ingest consumer adds.
    public enum Header {
        public static let attempts = "x-footfall-attempts"
        public static let reason = "x-footfall-reason"
        public static let routingKey = "x-footfall-routing-key"
    }

    public static func crossingKey(camera: String) -> String { "camera.\(camera).crossing" }
    public static func statusKey(camera: String) -> String { "camera.\(camera).status" }

    /// Everything declared (durable: it all survives a broker restart).
    public var declarations: AMQPTopology {
        AMQPTopology(
            exchanges: [.init(name: events, kind: .topic)],
            queues: [
                .init(name: ingestQueue),
                .init(name: retryQueue, deadLetterExchange: "", deadLetterRoutingKey: ingestQueue),
                .init(name: deadLetterQueue),
            ],
            bindings: [.init(queue: ingestQueue, exchange: events, routingKey: "camera.*.crossing")])
    }

    /// The webhook's queues, declared only where a webhook is configured (so that nothing piles up
    /// in a queue nobody reads).
    public var webhookDeclarations: AMQPTopology {
        AMQPTopology(
            exchanges: [.init(name: events, kind: .topic)],
            queues: [
                .init(name: deadLetterQueue),
                .init(name: webhookQueue),
                .init(name: webhookRetryQueue, deadLetterExchange: "", deadLetterRoutingKey: webhookQueue),
            ],
            bindings: [.init(queue: webhookQueue, exchange: events, routingKey: "alert.*"),
                       .init(queue: webhookQueue, exchange: events, routingKey: "report.*")])
    }
}
