extension StorageError {
    /// The input itself is wrong (a bad field, an unknown camera): trying again cannot help.
    public var isInvalidInput: Bool {
        if case .invalidInput = self { return true }
        return false
    }
}
