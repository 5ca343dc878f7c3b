/// Errors raised by the counting core: always about bad geometry or configuration input.
public enum CountingCoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A field of the geometry is invalid; `field` is a path such as `lines[0].b`.
    case invalidGeometry(field: String, reason: String)

    public var description: String {
        switch self {
        case .invalidGeometry(let field, let reason):
            return "invalid geometry: \(field): \(reason)"
        }
    }
}
