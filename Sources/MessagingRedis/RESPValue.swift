import NIOCore

/// One value of the Redis serialisation protocol (RESP2 and RESP3).
///
/// A RESP2 null bulk string, a RESP2 null array and the RESP3 null all decode to ``null``.
/// RESP3 blob errors decode to ``error(_:)``; RESP3 attributes are read and dropped.
public enum RESPValue: Sendable, Hashable {
    /// `+OK`: a short status line.
    case simpleString(String)
    /// `-ERR …` or `!…`: an error reply; the text begins with the error code, for example `WRONGTYPE`.
    case error(String)
    /// `:42`: a signed 64-bit integer.
    case integer(Int)
    /// `$5 hello`: binary-safe bytes.
    case bulkString(ByteBuffer)
    /// `*2 …`: an ordered list of values.
    case array([RESPValue])
    /// `_`, `$-1` or `*-1`: no value.
    case null
    /// `%`: RESP3 key-value pairs.
    case map([RESPValue: RESPValue])
    /// `~`: RESP3 unordered distinct values.
    case set(Set<RESPValue>)
    /// `,`: RESP3 floating-point number (`inf`, `-inf` and `nan` included).
    case double(Double)
    /// `#t` / `#f`: RESP3 boolean.
    case boolean(Bool)
    /// `(`: RESP3 integer too large for 64 bits, kept as its decimal text.
    case bigNumber(String)
    /// `=`: RESP3 text with a three-letter format, for example `txt` or `mkd`.
    case verbatimString(format: String, text: String)
    /// `>`: RESP3 out-of-band data such as a pub/sub message.
    case push([RESPValue])
}
