/// The response to a synchronous method; basic.get-ok carries its message.
struct AMQPResponse: Sendable {
    var method: AMQPMethod
    var message: AMQPIncomingMessage?
}
