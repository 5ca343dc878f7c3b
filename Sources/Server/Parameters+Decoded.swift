import Hummingbird

extension Parameters {
    /// The path parameter `key`, percent-decoded (`front%20door` is the camera `front door`);
    /// 400 naming it when it is missing or not valid UTF-8 once decoded.
    func decoded(_ key: String) throws -> String {
        let raw = try require(key)
        guard let value = raw.removingPercentEncoding else {
            throw APIError(.badRequest, field: key, message: "\(key) is not a valid percent-encoded value")
        }
        return value
    }
}
