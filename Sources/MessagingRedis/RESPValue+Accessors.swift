import NIOCore

extension RESPValue {
    /// The value as text: simple, bulk and verbatim strings, integers, doubles and big numbers; `nil` otherwise.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes): String(buffer: bytes)
        case .verbatimString(_, let text): text
        case .integer(let number): String(number)
        case .double(let number): String(number)
        case .bigNumber(let text): text
        default: nil
        }
    }

    /// The value as an integer: integers, and strings holding a decimal integer; `nil` otherwise.
    public var int: Int? {
        switch self {
        case .integer(let number): number
        case .simpleString, .bulkString: string.flatMap { Int($0) }
        default: nil
        }
    }

    /// The value as a floating-point number: doubles, integers and numeric strings; `nil` otherwise.
    public var double: Double? {
        switch self {
        case .double(let number): number
        case .integer(let number): Double(number)
        case .simpleString, .bulkString: string.flatMap { Double($0) }
        default: nil
        }
    }

    /// The value as a boolean: RESP3 booleans and the integers 0 and 1; `nil` otherwise.
    public var bool: Bool? {
        switch self {
        case .boolean(let flag): flag
        case .integer(0): false
        case .integer(1): true
        default: nil
        }
    }

    /// The elements of an array, set or push; `nil` otherwise.
    public var array: [RESPValue]? {
        switch self {
        case .array(let values), .push(let values): values
        case .set(let values): Array(values)
        default: nil
        }
    }

    /// The raw bytes of a bulk string; `nil` otherwise.
    public var bytes: [UInt8]? {
        guard case .bulkString(let buffer) = self else { return nil }
        return Array(buffer.readableBytesView)
    }

    /// `true` for ``null``.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The text of an error reply; `nil` otherwise.
    public var errorMessage: String? {
        guard case .error(let message) = self else { return nil }
        return message
    }

    /// Key-value pairs as text, from a RESP3 map or a RESP2 flat array of alternating keys and values
    /// (the reply of `HGETALL` or `CONFIG GET`); `nil` if the value is neither.
    public var stringDictionary: [String: String]? {
        switch self {
        case .map(let pairs):
            var result: [String: String] = [:]
            for (key, value) in pairs {
                guard let key = key.string, let value = value.string else { return nil }
                result[key] = value
            }
            return result
        case .array(let values):
            guard values.count % 2 == 0 else { return nil }
            var result: [String: String] = [:]
            var index = 0
            while index < values.count {
                guard let key = values[index].string, let value = values[index + 1].string else { return nil }
                result[key] = value
                index += 2
            }
            return result
        default:
            return nil
        }
    }
}

extension RESPValue {
    /// A bulk string holding the UTF-8 bytes of `text`.
    public static func bulkString(_ text: String) -> RESPValue {
        .bulkString(ByteBuffer(string: text))
    }
}
