import NIOCore

/// A command to send: its arguments, encoded as RESP straight into the connection's write buffer.
///
/// Create one from strings — `RedisCommand(["SET", "key", "value"])` or the array literal
/// `["GET", "key"]` — or from binary arguments with ``init(bytes:)``.
public struct RedisCommand: Sendable, ExpressibleByArrayLiteral {
    private enum Arguments: Sendable {
        case text([String])
        case bytes([ByteBuffer])
    }

    /// The command name (the first argument), used in timeout errors and logs.
    public let name: String
    private let arguments: Arguments

    /// A command from text arguments; the first is the command name.
    public init(_ arguments: [String]) {
        name = arguments.first ?? ""
        self.arguments = .text(arguments)
    }

    /// A command from binary arguments; the first is the command name.
    public init(bytes arguments: [ByteBuffer]) {
        name = arguments.first.map { String(buffer: $0) } ?? ""
        self.arguments = .bytes(arguments)
    }

    /// A command from text arguments written as an array literal.
    public init(arrayLiteral arguments: String...) {
        self.init(arguments)
    }

    /// The command as RESP bytes.
    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        write(into: &buffer)
        return buffer
    }

    /// Appends the command as RESP to `buffer`.
    public func write(into buffer: inout ByteBuffer) {
        switch arguments {
        case .text(let strings): RESPEncoder.writeCommand(strings, into: &buffer)
        case .bytes(let buffers): RESPEncoder.writeCommand(buffers, into: &buffer)
        }
    }
}
