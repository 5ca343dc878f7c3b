import FootfallSupport

// How a consumer settles a message it could not handle now: a copy goes to wait in a retry
// queue (coming back after a delay) or to the dead letters, and only then is the original acked.
extension AMQPDelivery {
    /// The copy that waits `delay` in `queue` (which dead-letters back to the work queue),
    /// counting one more attempt and keeping the original routing key.
    func retryMessage(queue: String, attempts: Int, delay: Duration) -> AMQPMessage {
        var properties = properties
        var headers = properties.headers ?? [:]
        headers[FootfallTopology.Header.attempts] = .int32(Int32(attempts))
        headers[FootfallTopology.Header.routingKey] = .string(originalRoutingKey)
        properties.headers = headers
        properties.expiration = String(delay.inMilliseconds)
        return AMQPMessage(exchange: "", routingKey: queue, body: body, properties: properties)
    }

    /// The copy kept in `queue` for people to look at, with why it was given up.
    func deadLetterMessage(queue: String, reason: String) -> AMQPMessage {
        var properties = properties
        var headers = properties.headers ?? [:]
        headers[FootfallTopology.Header.reason] = .string(String(reason.prefix(1_000)))
        headers[FootfallTopology.Header.routingKey] = .string(originalRoutingKey)
        headers[FootfallTopology.Header.attempts] = .int32(Int32(attempts + 1))
        properties.headers = headers
        properties.expiration = nil
        return AMQPMessage(exchange: "", routingKey: queue, body: body, properties: properties)
    }
}

extension AMQPClient {
    /// Publishes the message that replaces `delivery` (mandatory: a copy nobody would receive
    /// is an error, not a silent drop), then acknowledges it. If either fails, the delivery
    /// goes back to the queue, so nothing is lost (a copy may be doubled) and no later batch
    /// ack can cover it; the error is rethrown for the caller to log.
    func settle(_ delivery: AMQPDelivery, by message: AMQPMessage) async throws {
        var message = message
        message.mandatory = true
        do {
            try await publish(message)
            try await delivery.ack()
        } catch {
            try? await delivery.nack(requeue: true)
            throw error
        }
    }
}
