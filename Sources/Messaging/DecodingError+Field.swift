extension DecodingError {
    /// The JSON path of the bad value, e.g. `frames[0].people[2].width` (`body` for the whole).
    public var fieldPath: String {
        let path: [any CodingKey] = switch self {
        case .keyNotFound(let key, let context): context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context.codingPath
        @unknown default: []
        }
        var text = ""
        for key in path {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text.isEmpty ? "body" : text
    }

    /// What was wrong, in words.
    public var reason: String {
        switch self {
        case .keyNotFound: "missing"
        case .typeMismatch(let type, _): "expected \(type)"
        case .valueNotFound(let type, _): "expected \(type), found null"
        case .dataCorrupted(let context): context.debugDescription.isEmpty ? "not JSON" : context.debugDescription
        @unknown default: "unreadable"
        }
    }
}
