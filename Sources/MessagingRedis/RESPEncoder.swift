import NIOCore

/// Writes RESP: commands as arrays of bulk strings, and any ``RESPValue`` (RESP3 syntax where needed).
public enum RESPEncoder {
    /// Appends a command — an array of bulk strings — to `buffer`.
    public static func writeCommand(_ arguments: [String], into buffer: inout ByteBuffer) {
        writeHeader(UInt8(ascii: "*"), arguments.count, into: &buffer)
        for argument in arguments {
            writeHeader(UInt8(ascii: "$"), argument.utf8.count, into: &buffer)
            buffer.writeString(argument)
            buffer.writeStaticString("\r\n")
        }
    }

    /// Appends a command of binary arguments to `buffer`.
    public static func writeCommand(_ arguments: [ByteBuffer], into buffer: inout ByteBuffer) {
        writeHeader(UInt8(ascii: "*"), arguments.count, into: &buffer)
        for argument in arguments {
            writeHeader(UInt8(ascii: "$"), argument.readableBytes, into: &buffer)
            buffer.writeImmutableBuffer(argument)
            buffer.writeStaticString("\r\n")
        }
    }

    /// Appends `value` to `buffer`; RESP3 types use RESP3 syntax.
    public static func write(_ value: RESPValue, into buffer: inout ByteBuffer) {
        switch value {
        case .simpleString(let text):
            buffer.writeInteger(UInt8(ascii: "+"))
            buffer.writeString(text)
            buffer.writeStaticString("\r\n")
        case .error(let text):
            buffer.writeInteger(UInt8(ascii: "-"))
            buffer.writeString(text)
            buffer.writeStaticString("\r\n")
        case .integer(let number):
            writeHeader(UInt8(ascii: ":"), number, into: &buffer)
        case .bulkString(let bytes):
            writeHeader(UInt8(ascii: "$"), bytes.readableBytes, into: &buffer)
            buffer.writeImmutableBuffer(bytes)
            buffer.writeStaticString("\r\n")
        case .array(let values):
            writeHeader(UInt8(ascii: "*"), values.count, into: &buffer)
            for element in values { write(element, into: &buffer) }
        case .null:
            buffer.writeStaticString("_\r\n")
        case .map(let pairs):
            writeHeader(UInt8(ascii: "%"), pairs.count, into: &buffer)
            for (key, element) in pairs {
                write(key, into: &buffer)
                write(element, into: &buffer)
            }
        case .set(let values):
            writeHeader(UInt8(ascii: "~"), values.count, into: &buffer)
            for element in values { write(element, into: &buffer) }
        case .double(let number):
            buffer.writeInteger(UInt8(ascii: ","))
            if number.isNaN {
                buffer.writeStaticString("nan")
            } else if number.isInfinite {
                buffer.writeString(number < 0 ? "-inf" : "inf")
            } else {
                buffer.writeString(String(number))
            }
            buffer.writeStaticString("\r\n")
        case .boolean(let flag):
            buffer.writeStaticString(flag ? "#t\r\n" : "#f\r\n")
        case .bigNumber(let digits):
            buffer.writeInteger(UInt8(ascii: "("))
            buffer.writeString(digits)
            buffer.writeStaticString("\r\n")
        case .verbatimString(let format, let text):
            writeHeader(UInt8(ascii: "="), format.utf8.count + 1 + text.utf8.count, into: &buffer)
            buffer.writeString(format)
            buffer.writeInteger(UInt8(ascii: ":"))
            buffer.writeString(text)
            buffer.writeStaticString("\r\n")
        case .push(let values):
            writeHeader(UInt8(ascii: ">"), values.count, into: &buffer)
            for element in values { write(element, into: &buffer) }
        }
    }

    /// Writes a type byte, a decimal number and CRLF without creating a string.
    @inline(__always)
    static func writeHeader(_ type: UInt8, _ number: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(type)
        if number >= 0 && number < 10 {
            buffer.writeInteger(UInt8(ascii: "0") &+ UInt8(number))
        } else {
            buffer.writeString(String(number))
        }
        buffer.writeStaticString("\r\n")
    }
}
