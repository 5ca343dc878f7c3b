extension TextProtoMessage {
    /// Parses protobuf text: `name: value` and `name { … }` fields, `#` comments.
    public init(parsing text: String) throws(VisionError) {
        var reader = TextProtoReader(bytes: Array(text.utf8))
        self = try reader.message(nested: false)
    }

    /// The message as protobuf text, indented by two spaces a level.
    public func formatted(indent: Int = 0) -> String {
        var out = ""
        write(to: &out, indent: indent)
        return out
    }

    private func write(to out: inout String, indent: Int) {
        let pad = String(repeating: " ", count: indent)
        for field in fields {
            switch field.value {
            case .scalar(let token):
                out += pad + field.name + ": " + token + "\n"
            case .message(let message):
                out += pad + field.name + " {\n"
                message.write(to: &out, indent: indent + 2)
                out += pad + "}\n"
            }
        }
    }
}

/// Reads protobuf text byte by byte.
private struct TextProtoReader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func message(nested: Bool) throws(VisionError) -> TextProtoMessage {
        var message = TextProtoMessage()
        while true {
            skipSpace()
            guard position < bytes.count else {
                if nested { throw failure("a message is not closed") }
                return message
            }
            if bytes[position] == UInt8(ascii: "}") {
                guard nested else { throw failure("unexpected '}'") }
                position += 1
                return message
            }
            let name = identifier()
            guard !name.isEmpty else { throw failure("expected a field name") }
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: ":") {
                position += 1
                skipSpace()
            }
            guard position < bytes.count else { throw failure("field \(name) has no value") }
            if bytes[position] == UInt8(ascii: "{") {
                position += 1
                message.append(name, .message(try self.message(nested: true)))
            } else {
                message.append(name, .scalar(try scalar()))
            }
        }
    }

    private mutating func skipSpace() {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "#") {
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                position += 1
            } else {
                return
            }
        }
    }

    private mutating func identifier() -> String {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            let isWord = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
            guard isWord else { break }
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func scalar() throws(VisionError) -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "\"") {
            position += 1
            while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
                position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard position < bytes.count else { throw failure("a string is not closed") }
            position += 1
        } else {
            while position < bytes.count {
                let byte = bytes[position]
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: "{")
                    || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "#") { break }
                position += 1
            }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func failure(_ reason: String) -> VisionError {
        let line = bytes[..<min(position, bytes.count)].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        return .modelInvalid(path: "text graph", reason: "\(reason) at line \(line)")
    }
}
