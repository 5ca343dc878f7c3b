/// Errors from any storage backend.
public enum StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Input rejected before anything was written; `field` names the offending field.
    case invalidInput(field: String, reason: String)
    /// What the call names does not exist (in this tenant); nothing was written.
    case notFound(field: String, reason: String)
    /// The call would break a uniqueness rule (an id or name already taken); nothing was written.
    case conflict(field: String, reason: String)
    /// The backend failed; nothing of the failed call was written.
    case backend(operation: String, reason: String)
    /// A migration that was already applied has changed since.
    case migrationChanged(version: Int, name: String)

    public var description: String {
        switch self {
        case .invalidInput(let field, let reason): return "invalid \(field): \(reason)"
        case .notFound(let field, let reason): return "\(field): \(reason)"
        case .conflict(let field, let reason): return "\(field): \(reason)"
        case .backend(let operation, let reason): return "storage failed to \(operation): \(reason)"
        case .migrationChanged(let version, let name):
            return "migration \(version) (\(name)) was changed after it was applied; restore it and add a new migration instead"
        }
    }
}
