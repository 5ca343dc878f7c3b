import Alerting
import Logging
import Messaging
import MessagingRabbitMQ
import ServiceLifecycle

extension FootfallApp {
    /// Where alert changes go besides the WebSocket: with `alert-webhook-url` set, a signed
    /// webhook, fed through RabbitMQ when it is configured (durable, shared by every API
    /// process) and through an in-process queue otherwise. Returns the queue for the alert
    /// monitor and the services to run before it (the sender first, so it closes last).
    static func alertDelivery(configuration: FootfallConfiguration, messaging: MessagingSetup, logger: Logger)
        -> (queue: (any AlertDeliveryQueue)?, services: [any Service])
    {
        guard let url = configuration.alertWebhookURL, let secret = configuration.alertWebhookSecret else { return (nil, []) }
        let sender = WebhookAlertSender(url: url, secret: secret)
        if let client = messaging.amqp {
            logger.info("alert.delivery_opened", metadata: ["alert.delivery": "webhook through rabbitmq"])
            return (AMQPAlertQueue(client: client),
                    [sender, AlertDeliveryService(client: client, sender: sender, logger: logger)])
        }
        logger.info("alert.delivery_opened", metadata: ["alert.delivery": "webhook, queued in process"])
        let queue = InProcessAlertDelivery(sender: sender, logger: logger)
        return (queue, [sender, queue])
    }
}
