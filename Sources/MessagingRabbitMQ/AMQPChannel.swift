import NIOCore

/// One AMQP channel of a connection. Its id may be reused after it closes; the generation tells incarnations apart,
/// so an operation on a closed channel fails instead of reaching a newer channel with the same id.
struct AMQPChannel: Sendable {
    let connection: AMQPConnection
    let id: UInt16
    let generation: UInt64

    /// Sends a synchronous method and returns the broker's response.
    @discardableResult
    func call(_ method: AMQPMethod) async throws -> AMQPResponse {
        try await connection.rpc(self, method).get()
    }

    /// Sends an ack, nack or reject; a closed channel or connection means the delivery is stale.
    func settle(_ method: AMQPMethod) async throws {
        do {
            try await connection.send(self, method).get()
        } catch AMQPError.channelClosed, AMQPError.notConnected, AMQPError.connectionClosed,
                AMQPError.connectionClosedByServer, AMQPError.channelClosedByServer {
            throw AMQPError.staleDelivery
        }
    }

    /// Turns on publisher confirms.
    func confirmSelect() async throws {
        try await call(.confirmSelect(noWait: false))
    }

    /// Publishes messages and waits until the broker confirms all of them.
    func publish(_ messages: [AMQPMessage]) async throws {
        try await connection.publish(self, messages).get()
    }

    /// Sets the prefetch count of this channel's consumers.
    func qos(prefetchCount: UInt16) async throws {
        try await call(.basicQos(prefetchSize: 0, prefetchCount: prefetchCount, global: false))
    }

    /// Starts a consumer; `callbacks` run on the event loop.
    func consume(queue: String, consumerTag: String, callbacks: AMQPConsumerCallbacks) async throws {
        try await connection.consume(self, queue: queue, consumerTag: consumerTag, callbacks: callbacks).get()
    }

    /// Closes the channel (channel.close, then close-ok).
    func close() async {
        try? await connection.closeChannel(self).get()
    }

    /// True while the channel and its connection are open.
    var isOpen: Bool {
        get async { await connection.isChannelOpen(self) }
    }
}
