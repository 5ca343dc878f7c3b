import Foundation

/// A field table: the typed key/value map AMQP uses for arguments and message headers.
public typealias AMQPFieldTable = [String: AMQPFieldValue]

/// One value in an AMQP field table or field array, with the type codes RabbitMQ uses
/// (RabbitMQ's errata to AMQP 0-9-1: `t b B s u I i l f d D S T F A x V`).
public enum AMQPFieldValue: Sendable, Hashable {
    /// `t`: boolean.
    case bool(Bool)
    /// `b`: signed 8-bit integer.
    case int8(Int8)
    /// `B`: unsigned 8-bit integer.
    case uint8(UInt8)
    /// `s`: signed 16-bit integer.
    case int16(Int16)
    /// `u`: unsigned 16-bit integer.
    case uint16(UInt16)
    /// `I`: signed 32-bit integer.
    case int32(Int32)
    /// `i`: unsigned 32-bit integer.
    case uint32(UInt32)
    /// `l`: signed 64-bit integer.
    case int64(Int64)
    /// `f`: 32-bit float.
    case float(Float)
    /// `d`: 64-bit double.
    case double(Double)
    /// `D`: decimal, `value × 10^-scale`.
    case decimal(scale: UInt8, value: UInt32)
    /// `S`: long string (UTF-8).
    case string(String)
    /// `T`: timestamp, whole seconds since 1970.
    case timestamp(Date)
    /// `F`: nested field table.
    case table(AMQPFieldTable)
    /// `A`: field array.
    case array([AMQPFieldValue])
    /// `x`: byte array.
    case bytes([UInt8])
    /// `V`: no value.
    case void
}

extension AMQPFieldValue {
    /// The value as a string, if it is a long string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as a 64-bit integer, if it is any integer type.
    public var intValue: Int64? {
        switch self {
        case .int8(let v): return Int64(v)
        case .uint8(let v): return Int64(v)
        case .int16(let v): return Int64(v)
        case .uint16(let v): return Int64(v)
        case .int32(let v): return Int64(v)
        case .uint32(let v): return Int64(v)
        case .int64(let v): return v
        default: return nil
        }
    }

    /// The value as a table, if it is one.
    public var tableValue: AMQPFieldTable? {
        if case .table(let value) = self { return value }
        return nil
    }

    /// The value as an array, if it is one.
    public var arrayValue: [AMQPFieldValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}
