import Hummingbird

extension Parameters {
    /// The path parameter `key`, percent-decoded (`front%20door` is the camera `front door`);
    /// 400 naming it when it is missing, not valid UTF-8 once decoded, or holds control characters.
    func decoded(_ key: String) throws -> String {
        let raw = try require(key)
        guard let value = raw.removingPercentEncoding else {
            throw APIError(.badRequest, field: key, message: "\(key) is not a valid percent-encoded value")
        }
        // No id holds control characters, and a database may refuse them outright (PostgreSQL refuses NUL).
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw APIError(.badRequest, field: key, message: "\(key) may not contain control characters")
        }
        return value
    }
}
