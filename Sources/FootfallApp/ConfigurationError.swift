/// Errors of the composition root: bad configuration, missing files.
public enum ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `key` has a value that cannot be used; `source` says where it came from.
    case invalidValue(key: String, source: String, reason: String)
    /// A file that the configuration names cannot be read.
    case unreadableFile(key: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidValue(let key, let source, let reason): "\(key) (from \(source)): \(reason)"
        case .unreadableFile(let key, let path, let reason): "\(key): cannot read \(path): \(reason)"
        }
    }
}
