/// The AMQP 0-9-1 methods the Footfall client sends or receives, with their arguments.
///
/// Reserved ("deprecated") arguments of the specification are written as zero or empty and not modelled.
public enum AMQPMethod: Sendable, Hashable {
    // connection (class 10)
    /// connection.start: the broker's first method.
    case connectionStart(versionMajor: UInt8, versionMinor: UInt8, serverProperties: AMQPFieldTable, mechanisms: String, locales: String)
    /// connection.start-ok: client properties and credentials.
    case connectionStartOk(clientProperties: AMQPFieldTable, mechanism: String, response: [UInt8], locale: String)
    /// connection.tune: the broker's limits.
    case connectionTune(channelMax: UInt16, frameMax: UInt32, heartbeat: UInt16)
    /// connection.tune-ok: the negotiated limits.
    case connectionTuneOk(channelMax: UInt16, frameMax: UInt32, heartbeat: UInt16)
    /// connection.open: selects the virtual host.
    case connectionOpen(virtualHost: String)
    /// connection.open-ok.
    case connectionOpenOk
    /// connection.close, from either side.
    case connectionClose(replyCode: UInt16, replyText: String, classID: UInt16, methodID: UInt16)
    /// connection.close-ok.
    case connectionCloseOk
    /// connection.blocked (RabbitMQ extension): the broker stopped reading publishes.
    case connectionBlocked(reason: String)
    /// connection.unblocked (RabbitMQ extension).
    case connectionUnblocked

    // channel (class 20)
    /// channel.open.
    case channelOpen
    /// channel.open-ok.
    case channelOpenOk
    /// channel.flow: pause or resume content.
    case channelFlow(active: Bool)
    /// channel.flow-ok.
    case channelFlowOk(active: Bool)
    /// channel.close, from either side.
    case channelClose(replyCode: UInt16, replyText: String, classID: UInt16, methodID: UInt16)
    /// channel.close-ok.
    case channelCloseOk

    // exchange (class 40)
    /// exchange.declare.
    case exchangeDeclare(exchange: String, type: String, passive: Bool, durable: Bool, autoDelete: Bool, internal: Bool, noWait: Bool, arguments: AMQPFieldTable)
    /// exchange.declare-ok.
    case exchangeDeclareOk
    /// exchange.delete.
    case exchangeDelete(exchange: String, ifUnused: Bool, noWait: Bool)
    /// exchange.delete-ok.
    case exchangeDeleteOk

    // queue (class 50)
    /// queue.declare.
    case queueDeclare(queue: String, passive: Bool, durable: Bool, exclusive: Bool, autoDelete: Bool, noWait: Bool, arguments: AMQPFieldTable)
    /// queue.declare-ok: the queue's name and counts.
    case queueDeclareOk(queue: String, messageCount: UInt32, consumerCount: UInt32)
    /// queue.bind.
    case queueBind(queue: String, exchange: String, routingKey: String, noWait: Bool, arguments: AMQPFieldTable)
    /// queue.bind-ok.
    case queueBindOk
    /// queue.purge.
    case queuePurge(queue: String, noWait: Bool)
    /// queue.purge-ok: how many messages were removed.
    case queuePurgeOk(messageCount: UInt32)
    /// queue.delete.
    case queueDelete(queue: String, ifUnused: Bool, ifEmpty: Bool, noWait: Bool)
    /// queue.delete-ok: how many messages were deleted with the queue.
    case queueDeleteOk(messageCount: UInt32)

    // basic (class 60)
    /// basic.qos: prefetch limits.
    case basicQos(prefetchSize: UInt32, prefetchCount: UInt16, global: Bool)
    /// basic.qos-ok.
    case basicQosOk
    /// basic.consume.
    case basicConsume(queue: String, consumerTag: String, noLocal: Bool, noAck: Bool, exclusive: Bool, noWait: Bool, arguments: AMQPFieldTable)
    /// basic.consume-ok.
    case basicConsumeOk(consumerTag: String)
    /// basic.cancel, from the client or (RabbitMQ extension) from the broker.
    case basicCancel(consumerTag: String, noWait: Bool)
    /// basic.cancel-ok.
    case basicCancelOk(consumerTag: String)
    /// basic.publish; followed by a content header and body.
    case basicPublish(exchange: String, routingKey: String, mandatory: Bool, immediate: Bool)
    /// basic.return: an unroutable mandatory message comes back; followed by content.
    case basicReturn(replyCode: UInt16, replyText: String, exchange: String, routingKey: String)
    /// basic.deliver: a message for a consumer; followed by content.
    case basicDeliver(consumerTag: String, deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String)
    /// basic.get.
    case basicGet(queue: String, noAck: Bool)
    /// basic.get-ok; followed by content.
    case basicGetOk(deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String, messageCount: UInt32)
    /// basic.get-empty.
    case basicGetEmpty
    /// basic.ack, from the client (deliveries) or the broker (publisher confirms).
    case basicAck(deliveryTag: UInt64, multiple: Bool)
    /// basic.reject.
    case basicReject(deliveryTag: UInt64, requeue: Bool)
    /// basic.nack (RabbitMQ extension), from the client or the broker.
    case basicNack(deliveryTag: UInt64, multiple: Bool, requeue: Bool)

    // confirm (class 85, RabbitMQ extension)
    /// confirm.select: turn on publisher confirms.
    case confirmSelect(noWait: Bool)
    /// confirm.select-ok.
    case confirmSelectOk
}
