/// Errors of the S3 client and file store.
public enum S3Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// A setting is wrong; `field` names it.
    case invalidConfiguration(field: String, reason: String)
    /// The server refused or failed the request with this status and S3 error code
    /// (`SignatureDoesNotMatch`, `AccessDenied`, `NoSuchBucket` …).
    case refused(operation: String, status: Int, code: String, message: String)
    /// The server could not be reached, or did not answer in time, after every attempt.
    case unreachable(operation: String, reason: String)
    /// The answer could not be read.
    case unreadableAnswer(operation: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let field, let reason): "invalid \(field): \(reason)"
        case .refused(let operation, let status, let code, let message): "S3 refused to \(operation): \(status) \(code) \(message)"
        case .unreachable(let operation, let reason): "S3 could not be reached to \(operation): \(reason)"
        case .unreadableAnswer(let operation, let reason): "S3's answer to \(operation) could not be read: \(reason)"
        }
    }

    /// The S3 error code when the server refused.
    public var code: String? {
        if case .refused(_, _, let code, _) = self { code } else { nil }
    }
}
