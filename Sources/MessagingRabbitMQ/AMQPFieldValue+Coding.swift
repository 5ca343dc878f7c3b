import Foundation
import NIOCore

extension ByteBuffer {
    mutating func readAMQPOctet() throws -> UInt8 {
        guard let value = readInteger(as: UInt8.self) else { throw AMQPError.protocolViolation("truncated octet") }
        return value
    }

    mutating func readAMQPShort() throws -> UInt16 {
        guard let value = readInteger(as: UInt16.self) else { throw AMQPError.protocolViolation("truncated short") }
        return value
    }

    mutating func readAMQPLong() throws -> UInt32 {
        guard let value = readInteger(as: UInt32.self) else { throw AMQPError.protocolViolation("truncated long") }
        return value
    }

    mutating func readAMQPLongLong() throws -> UInt64 {
        guard let value = readInteger(as: UInt64.self) else { throw AMQPError.protocolViolation("truncated long long") }
        return value
    }

    mutating func readAMQPShortString() throws -> String {
        let length = Int(try readAMQPOctet())
        guard let value = readString(length: length) else { throw AMQPError.protocolViolation("truncated short string") }
        return value
    }

    mutating func readAMQPLongBytes() throws -> [UInt8] {
        let length = Int(try readAMQPLong())
        guard let value = readBytes(length: length) else { throw AMQPError.protocolViolation("truncated long string") }
        return value
    }

    mutating func readAMQPLongString() throws -> String {
        let length = Int(try readAMQPLong())
        guard let slice = readSlice(length: length) else { throw AMQPError.protocolViolation("truncated long string") }
        return String(buffer: slice)
    }

    mutating func writeAMQPShortString(_ value: String) throws {
        // A short string carries its length in one octet.
        guard value.utf8.count <= 255 else { throw AMQPError.protocolViolation("short string longer than 255 bytes") }
        writeInteger(UInt8(value.utf8.count))
        writeString(value)
    }

    mutating func writeAMQPLongString(_ value: String) {
        writeInteger(UInt32(value.utf8.count))
        writeString(value)
    }

    mutating func writeAMQPLongBytes(_ value: [UInt8]) {
        writeInteger(UInt32(value.count))
        writeBytes(value)
    }

    mutating func readAMQPFieldTable() throws -> AMQPFieldTable {
        let length = Int(try readAMQPLong())
        guard var slice = readSlice(length: length) else { throw AMQPError.protocolViolation("truncated field table") }
        var table: AMQPFieldTable = [:]
        while slice.readableBytes > 0 {
            let name = try slice.readAMQPShortString()
            table[name] = try slice.readAMQPFieldValue()
        }
        return table
    }

    mutating func readAMQPFieldArray() throws -> [AMQPFieldValue] {
        let length = Int(try readAMQPLong())
        guard var slice = readSlice(length: length) else { throw AMQPError.protocolViolation("truncated field array") }
        var values: [AMQPFieldValue] = []
        while slice.readableBytes > 0 {
            values.append(try slice.readAMQPFieldValue())
        }
        return values
    }

    mutating func readAMQPFieldValue() throws -> AMQPFieldValue {
        let code = try readAMQPOctet()
        switch UnicodeScalar(code) {
        case "t": return .bool(try readAMQPOctet() != 0)
        case "b": return .int8(Int8(bitPattern: try readAMQPOctet()))
        case "B": return .uint8(try readAMQPOctet())
        case "s": return .int16(Int16(bitPattern: try readAMQPShort()))
        case "u": return .uint16(try readAMQPShort())
        case "I": return .int32(Int32(bitPattern: try readAMQPLong()))
        case "i": return .uint32(try readAMQPLong())
        case "l": return .int64(Int64(bitPattern: try readAMQPLongLong()))
        case "f": return .float(Float(bitPattern: try readAMQPLong()))
        case "d": return .double(Double(bitPattern: try readAMQPLongLong()))
        case "D":
            let scale = try readAMQPOctet()
            return .decimal(scale: scale, value: try readAMQPLong())
        case "S": return .string(try readAMQPLongString())
        case "T": return .timestamp(Date(timeIntervalSince1970: TimeInterval(try readAMQPLongLong())))
        case "F": return .table(try readAMQPFieldTable())
        case "A": return .array(try readAMQPFieldArray())
        case "x": return .bytes(try readAMQPLongBytes())
        case "V": return .void
        default: throw AMQPError.protocolViolation("unknown field type code \(code)")
        }
    }

    mutating func writeAMQPFieldTable(_ table: AMQPFieldTable) throws {
        let lengthIndex = writerIndex
        writeInteger(UInt32(0))
        // Sorted keys make the encoding deterministic, which keeps tests and captures stable.
        for key in table.keys.sorted() {
            try writeAMQPShortString(key)
            try writeAMQPFieldValue(table[key]!)
        }
        setInteger(UInt32(writerIndex - lengthIndex - 4), at: lengthIndex)
    }

    mutating func writeAMQPFieldArray(_ values: [AMQPFieldValue]) throws {
        let lengthIndex = writerIndex
        writeInteger(UInt32(0))
        for value in values {
            try writeAMQPFieldValue(value)
        }
        setInteger(UInt32(writerIndex - lengthIndex - 4), at: lengthIndex)
    }

    mutating func writeAMQPFieldValue(_ value: AMQPFieldValue) throws {
        func code(_ scalar: Unicode.Scalar) { writeInteger(UInt8(scalar.value)) }
        switch value {
        case .bool(let v): code("t"); writeInteger(UInt8(v ? 1 : 0))
        case .int8(let v): code("b"); writeInteger(v)
        case .uint8(let v): code("B"); writeInteger(v)
        case .int16(let v): code("s"); writeInteger(v)
        case .uint16(let v): code("u"); writeInteger(v)
        case .int32(let v): code("I"); writeInteger(v)
        case .uint32(let v): code("i"); writeInteger(v)
        case .int64(let v): code("l"); writeInteger(v)
        case .float(let v): code("f"); writeInteger(v.bitPattern)
        case .double(let v): code("d"); writeInteger(v.bitPattern)
        case .decimal(let scale, let v): code("D"); writeInteger(scale); writeInteger(v)
        case .string(let v): code("S"); writeAMQPLongString(v)
        case .timestamp(let v): code("T"); writeInteger(UInt64(max(0, v.timeIntervalSince1970.rounded(.down))))
        case .table(let v): code("F"); try writeAMQPFieldTable(v)
        case .array(let v): code("A"); try writeAMQPFieldArray(v)
        case .bytes(let v): code("x"); writeAMQPLongBytes(v)
        case .void: code("V")
        }
    }
}
