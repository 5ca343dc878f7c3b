import MessagingRedis
import NIOCore
import Testing

struct RESPEncoderTests {
    @Test func encodesCommandsAsArraysOfBulkStrings() {
        var buffer = ByteBuffer()
        RESPEncoder.writeCommand(["SET", "känguru", "", "0123456789ab"], into: &buffer)
        #expect(String(buffer: buffer) == "*4\r\n$3\r\nSET\r\n$8\r\nkänguru\r\n$0\r\n\r\n$12\r\n0123456789ab\r\n")
        #expect(RedisCommand(["SET", "känguru", "", "0123456789ab"]).encoded == buffer)
        #expect(RedisCommand(bytes: [ByteBuffer(string: "SET"), ByteBuffer(string: "känguru"), ByteBuffer(),
                                     ByteBuffer(string: "0123456789ab")]).encoded == buffer)
    }

    @Test func commandNameIsTheFirstArgument() {
        let command: RedisCommand = ["HGETALL", "site:1"]
        #expect(command.name == "HGETALL")
    }

    @Test func everyValueRoundTrips() throws {
        let values = RESPDecoderTests.samples.map(\.1) + [
            .integer(1_234_567_890),
            .double(0.1),
            .array([.map([.bulkString("k"): .set([.integer(1)])]), .push([.null]), .boolean(false)]),
            .bulkString(ByteBuffer(bytes: [0, 13, 10, 255])),
        ]
        for value in values {
            var buffer = ByteBuffer()
            RESPEncoder.write(value, into: &buffer)
            var decoder = RESPDecoder()
            #expect(try decoder.decode(buffer: &buffer) == value)
            #expect(buffer.readableBytes == 0)
        }
    }
}
