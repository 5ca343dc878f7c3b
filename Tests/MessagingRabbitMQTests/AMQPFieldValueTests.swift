import Foundation
import NIOCore
import Testing
@testable import MessagingRabbitMQ

@Suite struct AMQPFieldValueTests {
    static let everyType: AMQPFieldTable = [
        "t": .bool(true), "b": .int8(-8), "B": .uint8(200), "s": .int16(-300), "u": .uint16(60_000),
        "I": .int32(-70_000), "i": .uint32(4_000_000_000), "l": .int64(-9_000_000_000), "f": .float(1.5), "d": .double(-2.25),
        "D": .decimal(scale: 2, value: 12_345), "S": .string("Zählung ✓"), "T": .timestamp(Date(timeIntervalSince1970: 1_764_000_000)),
        "F": .table(["inner": .table(["deep": .array([.int32(1), .string("two")])])]),
        "A": .array([.bool(false), .array([.uint8(1), .void]), .table(["k": .double(3)])]),
        "x": .bytes([0, 1, 254, 255]), "V": .void,
    ]

    @Test func tableWithEveryTypeRoundTrips() throws {
        var buffer = ByteBuffer()
        try buffer.writeAMQPFieldTable(Self.everyType)
        let decoded = try buffer.readAMQPFieldTable()
        #expect(decoded == Self.everyType)
        #expect(buffer.readableBytes == 0)
    }

    @Test func typeCodesAreRabbitMQs() throws {
        let expected: [(AMQPFieldValue, Character)] = [
            (.bool(true), "t"), (.int8(1), "b"), (.uint8(1), "B"), (.int16(1), "s"), (.uint16(1), "u"), (.int32(1), "I"),
            (.uint32(1), "i"), (.int64(1), "l"), (.float(1), "f"), (.double(1), "d"), (.decimal(scale: 1, value: 1), "D"),
            (.string(""), "S"), (.timestamp(Date(timeIntervalSince1970: 0)), "T"), (.table([:]), "F"), (.array([]), "A"),
            (.bytes([]), "x"), (.void, "V"),
        ]
        for (value, code) in expected {
            var buffer = ByteBuffer()
            try buffer.writeAMQPFieldValue(value)
            #expect(buffer.readInteger(as: UInt8.self) == code.asciiValue, "\(value)")
        }
    }

    @Test func unknownTypeCodeIsAProtocolError() {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 3, 1, 0x6B, 0x7A])
        #expect(throws: AMQPError.protocolViolation("unknown field type code 122")) { try buffer.readAMQPFieldTable() }
    }

    @Test func tableLengthBeyondTheBufferIsAProtocolError() {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 40, 1, 0x6B, 0x56])
        #expect(throws: AMQPError.self) { try buffer.readAMQPFieldTable() }
    }

    @Test func shortStringsLongerThan255BytesAreRefused() {
        var buffer = ByteBuffer()
        #expect(throws: AMQPError.self) { try buffer.writeAMQPShortString(String(repeating: "q", count: 256)) }
    }
}
