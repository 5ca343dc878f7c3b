/// Names a promise or a consumer that `AMQPConnectionHandler` holds, so that the state machines can say which one to
/// complete or call without holding promises or closures themselves.
struct AMQPToken: Hashable, Sendable, CustomStringConvertible {
    let rawValue: UInt64

    init(_ rawValue: UInt64) { self.rawValue = rawValue }

    var description: String { "#\(rawValue)" }
}
