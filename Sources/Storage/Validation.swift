/// Field checks shared by the stored types.
enum Validation {
    static let identifierCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")

    /// 1 to 64 letters, digits, `-` or `_`.
    static func identifier(_ text: String, field: String) throws(StorageError) {
        if text.isEmpty || text.count > 64 || !text.allSatisfy(identifierCharacters.contains) {
            throw .invalidInput(field: field, reason: "use 1 to 64 letters, digits, '-' or '_'")
        }
    }

    /// 1 to 200 characters, no control characters.
    static func name(_ text: String, field: String) throws(StorageError) {
        if text.isEmpty || text.count > 200 {
            throw .invalidInput(field: field, reason: "a name must have 1 to 200 characters")
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidInput(field: field, reason: "a name must not contain control characters")
        }
    }
}
