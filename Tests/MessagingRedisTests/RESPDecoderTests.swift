import FootfallTestSupport
import MessagingRedis
import NIOCore
import Testing

struct RESPDecoderTests {
    /// Valid RESP2 and RESP3 input with the value it must decode to.
    static let samples: [(String, RESPValue)] = [
        ("+OK\r\n", .simpleString("OK")),
        ("+\r\n", .simpleString("")),
        ("-ERR unknown command\r\n", .error("ERR unknown command")),
        (":0\r\n", .integer(0)),
        (":-42\r\n", .integer(-42)),
        (":9223372036854775807\r\n", .integer(.max)),
        (":-9223372036854775808\r\n", .integer(.min)),
        ("$5\r\nhello\r\n", .bulkString("hello")),
        ("$0\r\n\r\n", .bulkString("")),
        ("$4\r\na\r\nb\r\n", .bulkString("a\r\nb")),
        ("$-1\r\n", .null),
        ("*-1\r\n", .null),
        ("*0\r\n", .array([])),
        ("*3\r\n:1\r\n$3\r\nfoo\r\n+bar\r\n", .array([.integer(1), .bulkString("foo"), .simpleString("bar")])),
        ("*2\r\n*1\r\n:1\r\n*2\r\n$-1\r\n-E x\r\n", .array([.array([.integer(1)]), .array([.null, .error("E x")])])),
        ("_\r\n", .null),
        (",3.25\r\n", .double(3.25)),
        (",-1e10\r\n", .double(-1e10)),
        (",inf\r\n", .double(.infinity)),
        (",-inf\r\n", .double(-.infinity)),
        ("#t\r\n", .boolean(true)),
        ("#f\r\n", .boolean(false)),
        ("(3492890328409238509324850943850943825024385\r\n", .bigNumber("3492890328409238509324850943850943825024385")),
        ("!21\r\nSYNTAX invalid syntax\r\n", .error("SYNTAX invalid syntax")),
        ("=15\r\ntxt:Some string\r\n", .verbatimString(format: "txt", text: "Some string")),
        ("%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n#t\r\n",
         .map([.simpleString("first"): .integer(1), .bulkString("second"): .boolean(true)])),
        ("~3\r\n:1\r\n:2\r\n+three\r\n", .set([.integer(1), .integer(2), .simpleString("three")])),
        (">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n",
         .push([.bulkString("message"), .bulkString("news"), .bulkString("hi")])),
        ("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n*2\r\n:2039123\r\n:9543892\r\n",
         .array([.integer(2_039_123), .integer(9_543_892)])),
    ]

    @Test func decodesEveryType() throws {
        for (input, expected) in Self.samples {
            var buffer = ByteBuffer(string: input)
            var decoder = RESPDecoder()
            let value = try decoder.decode(buffer: &buffer)
            #expect(value == expected, "\(input.debugDescription)")
            #expect(buffer.readableBytes == 0, "\(input.debugDescription) left bytes unread")
        }
    }

    @Test func decodesNaN() throws {
        var buffer = ByteBuffer(string: ",nan\r\n")
        var decoder = RESPDecoder()
        guard case .double(let number) = try decoder.decode(buffer: &buffer) else {
            Issue.record("not a double")
            return
        }
        #expect(number.isNaN)
    }

    @Test func givesTheSameValuesWhateverTheSplit() throws {
        let stream = Self.samples.map(\.0).joined()
        let bytes = Array(stream.utf8)
        let expected = Self.samples.map(\.1)
        for split in 0...bytes.count {
            let values = try Self.decodeAll(chunks: [Array(bytes[..<split]), Array(bytes[split...])])
            #expect(values == expected, "split at \(split)")
        }
        // And one byte at a time.
        #expect(try Self.decodeAll(chunks: bytes.map { [$0] }) == expected)
    }

    @Test func returnsNothingUntilAValueIsComplete() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(string: "*2\r\n$3\r\nfoo\r\n$3\r\nba")
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == 19, "nothing may be consumed before the value is complete")
        buffer.writeString("r\r\n")
        #expect(try decoder.decode(buffer: &buffer) == .array([.bulkString("foo"), .bulkString("bar")]))
    }

    @Test func decodesATenMegabyteBulkStringArrivingInChunks() throws {
        let payload = (0..<10 * 1_024 * 1_024).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var input = Array("$\(payload.count)\r\n".utf8)
        input += payload
        input += Array("\r\n+after\r\n".utf8)
        let chunks = stride(from: 0, to: input.count, by: 65_536).map { Array(input[$0..<min($0 + 65_536, input.count)]) }
        let values = try Self.decodeAll(chunks: chunks)
        #expect(values.count == 2)
        #expect(values.first?.bytes == payload)
        #expect(values.last == .simpleString("after"))
    }

    @Test func corruptedInputEndsInAValueAWaitOrAnErrorNeverATrap() throws {
        // A server, or what sits between, may send anything: each of these seeded corruptions
        // of valid replies must decode, wait for more, or throw.
        let valid = Array(Self.samples.map(\.0).joined().utf8)
        var random = SeededRandom(seed: 0x5EED)
        var values = 0, errors = 0
        for round in 0..<5_000 {
            var bytes = valid
            if round % 10 == 0 {
                bytes = (0..<Int.random(in: 1...64, using: &random)).map { _ in
                    Array("+-:$*_,#(=%~>!\r\n0123456789".utf8).randomElement(using: &random)!
                }
            } else {
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                bytes = Array(bytes[Int.random(in: 0..<bytes.count, using: &random)...])
            }
            var decoder = RESPDecoder(maximumBulkLength: 1 << 20)
            var buffer = ByteBuffer(bytes: bytes)
            do {
                while try decoder.decode(buffer: &buffer) != nil { values += 1 }
            } catch {
                errors += 1
            }
        }
        // Both outcomes are reached, so the corruptions do get past the first byte.
        #expect(values > 1_000 && errors > 1_000, "values \(values), errors \(errors)")
    }

    @Test func decodesDeepNesting() throws {
        let depth = 200
        let input = String(repeating: "*1\r\n", count: depth) + ":7\r\n"
        var expected = RESPValue.integer(7)
        for _ in 0..<depth { expected = .array([expected]) }
        var buffer = ByteBuffer(string: input)
        var decoder = RESPDecoder()
        #expect(try decoder.decode(buffer: &buffer) == expected)
    }

    @Test func rejectsNestingBeyondTheLimit() {
        var buffer = ByteBuffer(string: String(repeating: "*1\r\n", count: 100_000) + ":7\r\n")
        var decoder = RESPDecoder()
        #expect(throws: RedisError.self) { try decoder.decode(buffer: &buffer) }
    }

    @Test(arguments: [
        "?what\r\n",              // unknown type byte
        ":12a\r\n",               // not an integer
        ":\r\n",                  // empty integer
        ":99999999999999999999\r\n", // overflow
        "$5\r\nhelloXY",          // bulk longer than declared
        "$-2\r\n",                // negative length
        "$abc\r\n",               // non-numeric length
        "*-2\r\n",                // negative count
        "+OK\rX",                 // CR without LF
        "+OK\n",                  // LF without CR
        "#x\r\n",                 // bad boolean
        ",abc\r\n",               // bad double
        "(12x\r\n",               // bad big number
        "_x\r\n",                 // null with data
        "=3\r\ntxt\r\n",          // verbatim without format separator
        "%-1\r\n",                // null map
    ])
    func rejectsMalformedInput(input: String) {
        var buffer = ByteBuffer(string: input)
        var decoder = RESPDecoder()
        #expect {
            _ = try decoder.decode(buffer: &buffer)
        } throws: { error in
            guard case .protocolViolation = error as? RedisError else { return false }
            return true
        }
    }

    /// Feeds chunks the way a NIO decoder sees them and collects every value.
    static func decodeAll(chunks: [[UInt8]]) throws -> [RESPValue] {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer()
        var values: [RESPValue] = []
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while let value = try decoder.decode(buffer: &buffer) { values.append(value) }
        }
        #expect(buffer.readableBytes == 0)
        return values
    }
}
