import NIOCore

/// An incremental RESP2/RESP3 parser, usable on its own or as a NIO decoder.
///
/// ``decode(buffer:)`` returns `nil` until a whole value has arrived, so input may be split at any
/// byte. Bulk strings are slices of the input, not copies. Malformed input throws
/// ``RedisError/protocolViolation(_:)``.
public struct RESPDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    /// Each decoded value.
    public typealias InboundOut = RESPValue

    /// The deepest nesting of aggregates accepted; deeper input is rejected rather than risk the stack.
    public var maximumDepth: Int
    /// The longest bulk string accepted, in bytes (Redis's own default limit is 512 MB).
    public var maximumBulkLength: Int

    /// Creates a decoder with the given limits.
    public init(maximumDepth: Int = 256, maximumBulkLength: Int = 512 * 1024 * 1024) {
        self.maximumDepth = maximumDepth
        self.maximumBulkLength = maximumBulkLength
    }

    /// Reads one whole value from the front of `buffer`, or returns `nil` (consuming nothing) if it has not all arrived.
    public mutating func decode(buffer: inout ByteBuffer) throws -> RESPValue? {
        let source = buffer
        let parsed = try buffer.withUnsafeReadableBytes { bytes in
            var reader = Reader(bytes: bytes, source: source, maximumDepth: maximumDepth,
                                maximumBulkLength: maximumBulkLength)
            return try reader.value(depth: 0).map { ($0, reader.offset) }
        }
        guard let (value, consumed) = parsed else { return nil }
        buffer.moveReaderIndex(forwardBy: consumed)
        return value
    }

    /// Decodes what is left when the connection ends; a partial value is dropped.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RESPValue? {
        try decode(buffer: &buffer)
    }
}

extension RESPDecoder {
    /// Walks raw bytes; every method returns `nil` when the input ends too early.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        let source: ByteBuffer
        let maximumDepth: Int
        let maximumBulkLength: Int
        var offset = 0

        init(bytes: UnsafeRawBufferPointer, source: ByteBuffer, maximumDepth: Int, maximumBulkLength: Int) {
            self.bytes = bytes
            self.source = source
            self.maximumDepth = maximumDepth
            self.maximumBulkLength = maximumBulkLength
        }

        mutating func value(depth: Int) throws -> RESPValue? {
            guard offset < bytes.count else { return nil }
            let type = bytes[offset]
            offset += 1
            switch type {
            case UInt8(ascii: "+"):
                return try line().map { .simpleString(text($0)) }
            case UInt8(ascii: "-"):
                return try line().map { .error(text($0)) }
            case UInt8(ascii: ":"):
                return try line().map { .integer(try integer($0)) }
            case UInt8(ascii: "$"):
                guard let payload = try blob() else { return nil }
                return payload.map { .bulkString(source.getSlice(at: source.readerIndex + $0.lowerBound, length: $0.count)!) } ?? .null
            case UInt8(ascii: "!"):
                guard let payload = try blob() else { return nil }
                guard let range = payload else { throw RedisError.protocolViolation("a blob error cannot be null") }
                return .error(text(range))
            case UInt8(ascii: "="):
                guard let payload = try blob() else { return nil }
                guard let range = payload, range.count >= 4, bytes[range.lowerBound + 3] == UInt8(ascii: ":") else {
                    throw RedisError.protocolViolation("a verbatim string must start with a format and a colon")
                }
                return .verbatimString(format: text(range.lowerBound..<range.lowerBound + 3),
                                       text: text(range.lowerBound + 4..<range.upperBound))
            case UInt8(ascii: "_"):
                guard let range = try line() else { return nil }
                guard range.isEmpty else { throw RedisError.protocolViolation("a null carries no data") }
                return .null
            case UInt8(ascii: ","):
                guard let range = try line() else { return nil }
                return .double(try double(range))
            case UInt8(ascii: "#"):
                guard let range = try line() else { return nil }
                guard range.count == 1 else { throw RedisError.protocolViolation("a boolean must be #t or #f") }
                switch bytes[range.lowerBound] {
                case UInt8(ascii: "t"): return .boolean(true)
                case UInt8(ascii: "f"): return .boolean(false)
                default: throw RedisError.protocolViolation("a boolean must be #t or #f")
                }
            case UInt8(ascii: "("):
                guard let range = try line() else { return nil }
                let digits = text(range)
                let unsigned = digits.first == "-" || digits.first == "+" ? digits.dropFirst() : Substring(digits)
                guard !unsigned.isEmpty, unsigned.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                    throw RedisError.protocolViolation("a big number must be decimal digits")
                }
                return .bigNumber(digits)
            case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"):
                guard let count = try aggregateCount(depth: depth, allowNull: type == UInt8(ascii: "*")) else { return nil }
                guard count >= 0 else { return .null }
                var values: [RESPValue] = []
                values.reserveCapacity(min(count, 4_096))
                for _ in 0..<count {
                    guard let element = try value(depth: depth + 1) else { return nil }
                    values.append(element)
                }
                switch type {
                case UInt8(ascii: "~"): return .set(Set(values))
                case UInt8(ascii: ">"): return .push(values)
                default: return .array(values)
                }
            case UInt8(ascii: "%"), UInt8(ascii: "|"):
                guard let count = try aggregateCount(depth: depth, allowNull: false) else { return nil }
                var pairs: [RESPValue: RESPValue] = [:]
                pairs.reserveCapacity(min(count, 4_096))
                for _ in 0..<count {
                    guard let key = try value(depth: depth + 1), let item = try value(depth: depth + 1) else { return nil }
                    pairs[key] = item
                }
                // An attribute annotates the value after it; Footfall has no use for it, so it is skipped.
                if type == UInt8(ascii: "|") { return try value(depth: depth) }
                return .map(pairs)
            default:
                throw RedisError.protocolViolation("unknown type byte \(type) at offset \(offset - 1)")
            }
        }

        /// The range of the line starting at `offset`, without its CRLF; moves past the CRLF.
        mutating func line() throws -> Range<Int>? {
            var index = offset
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "\r") {
                    guard index + 1 < bytes.count else { return nil }
                    guard bytes[index + 1] == UInt8(ascii: "\n") else {
                        throw RedisError.protocolViolation("a carriage return not followed by a line feed")
                    }
                    let range = offset..<index
                    offset = index + 2
                    return range
                }
                if bytes[index] == UInt8(ascii: "\n") {
                    throw RedisError.protocolViolation("a line feed without a carriage return")
                }
                index += 1
            }
            return nil
        }

        /// A length-prefixed payload: `nil` if incomplete, `.some(nil)` for a null (length -1).
        mutating func blob() throws -> Range<Int>?? {
            guard let header = try line() else { return nil }
            let length = try integer(header)
            if length == -1 { return .some(nil) }
            guard length >= 0, length <= maximumBulkLength else {
                throw RedisError.protocolViolation("bulk length \(length) out of range")
            }
            guard bytes.count - offset >= length + 2 else { return nil }
            let range = offset..<offset + length
            guard bytes[range.upperBound] == UInt8(ascii: "\r"), bytes[range.upperBound + 1] == UInt8(ascii: "\n") else {
                throw RedisError.protocolViolation("a bulk string longer than its declared length")
            }
            offset = range.upperBound + 2
            return .some(range)
        }

        mutating func aggregateCount(depth: Int, allowNull: Bool) throws -> Int? {
            guard depth < maximumDepth else {
                throw RedisError.protocolViolation("aggregates nested deeper than \(maximumDepth)")
            }
            guard let header = try line() else { return nil }
            let count = try integer(header)
            guard count >= 0 || (allowNull && count == -1) else {
                throw RedisError.protocolViolation("aggregate length \(count) out of range")
            }
            return count
        }

        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        func integer(_ range: Range<Int>) throws -> Int {
            var index = range.lowerBound
            var negative = false
            if index < range.upperBound, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < range.upperBound, range.upperBound - index <= 19 else {
                throw RedisError.protocolViolation("expected an integer, got \"\(text(range))\"")
            }
            var result = 0
            while index < range.upperBound {
                let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                guard digit >= 0, digit <= 9 else {
                    throw RedisError.protocolViolation("expected an integer, got \"\(text(range))\"")
                }
                let (shifted, overflow1) = result.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { throw RedisError.protocolViolation("integer out of range") }
                result = sum
                index += 1
            }
            return result
        }

        func double(_ range: Range<Int>) throws -> Double {
            let literal = text(range)
            switch literal {
            case "inf", "+inf": return .infinity
            case "-inf": return -.infinity
            case "nan", "-nan": return .nan
            default:
                guard let number = Double(literal), !number.isNaN, !number.isInfinite else {
                    throw RedisError.protocolViolation("expected a double, got \"\(literal)\"")
                }
                return number
            }
        }
    }
}
