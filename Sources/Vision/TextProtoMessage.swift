/// A message in protobuf's text format, kept as written: fields in order, each a scalar token
/// or a nested message. Enough to read and write TensorFlow text graphs without their schema.
public struct TextProtoMessage: Hashable, Sendable {
    public enum Value: Hashable, Sendable {
        /// A scalar as written: a number, an enum name, `true`, or a quoted string with its quotes.
        case scalar(String)
        case message(TextProtoMessage)
    }

    public var fields: [(name: String, value: Value)]

    public init(fields: [(name: String, value: Value)] = []) {
        self.fields = fields
    }

    public static func == (lhs: TextProtoMessage, rhs: TextProtoMessage) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }

    /// The values of every field called `name`, in order.
    public func values(_ name: String) -> [Value] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// The first nested message called `name`.
    public func message(_ name: String) -> TextProtoMessage? {
        for field in fields where field.name == name {
            if case .message(let message) = field.value { return message }
        }
        return nil
    }

    /// The first scalar called `name`, with the quotes of a string removed.
    public func scalar(_ name: String) -> String? {
        for field in fields where field.name == name {
            if case .scalar(let token) = field.value { return Self.unquoted(token) }
        }
        return nil
    }

    public mutating func append(_ name: String, _ value: Value) {
        fields.append((name, value))
    }

    /// A quoted string scalar.
    public static func string(_ text: String) -> Value {
        .scalar("\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"")
    }

    static func unquoted(_ token: String) -> String {
        guard token.count >= 2, token.first == "\"", token.last == "\"" else { return token }
        return String(token.dropFirst().dropLast())
    }
}
