import Foundation

extension AMQPDelivery {
    /// Attempts already made, from the retry header.
    var attempts: Int {
        switch properties.headers?[FootfallTopology.Header.attempts] {
        case .int32(let value): Int(value)
        case .int64(let value): Int(value)
        case .int16(let value): Int(value)
        case .int8(let value): Int(value)
        case .uint8(let value): Int(value)
        case .uint16(let value): Int(value)
        case .uint32(let value): Int(value)
        default: 0
        }
    }

    /// The routing key the message was first published with (retries and dead letters keep it).
    var originalRoutingKey: String {
        if case .string(let key) = properties.headers?[FootfallTopology.Header.routingKey] { return key }
        return routingKey
    }
}
