/// The response to a synchronous method; basic.get-ok carries its message.
struct AMQPResponse: Sendable, Equatable {
    var method: AMQPMethod
    var message: AMQPIncomingMessage?
}
