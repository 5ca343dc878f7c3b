extension StorageError {
    /// The input itself is wrong (a bad field, an unknown camera): trying again cannot help.
    public var isInvalidInput: Bool {
        switch self {
        case .invalidInput, .notFound, .conflict: true
        case .backend, .migrationChanged: false
        }
    }
}
