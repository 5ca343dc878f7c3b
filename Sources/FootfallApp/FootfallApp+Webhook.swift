import Alerting
import Logging
import Messaging
import MessagingRabbitMQ
import ServiceLifecycle

extension FootfallApp {
    /// Where alert changes (besides the WebSocket) and reports made are announced: with
    /// `alert-webhook-url` set, a signed webhook, fed through RabbitMQ when it is configured
    /// (durable, shared by every API process) and through an in-process queue otherwise. Returns
    /// the queue for the alert monitor and the report scheduler, and the services to run before
    /// them (the sender first, so it closes last).
    static func webhookDelivery(configuration: FootfallConfiguration, messaging: MessagingSetup, logger: Logger)
        -> (queue: (any WebhookQueue)?, services: [any Service])
    {
        guard let url = configuration.alertWebhookURL, let secret = configuration.alertWebhookSecret else { return (nil, []) }
        let sender = HTTPWebhookSender(url: url, secret: secret)
        if let client = messaging.amqp {
            logger.info("webhook.delivery_opened", metadata: ["webhook.queue": "rabbitmq"])
            return (AMQPWebhookQueue(client: client),
                    [sender, WebhookDeliveryService(client: client, sender: sender, logger: logger)])
        }
        logger.info("webhook.delivery_opened", metadata: ["webhook.queue": "in process"])
        let queue = InProcessWebhookQueue(sender: sender, logger: logger)
        return (queue, [sender, queue])
    }
}
