/// The width of the buckets a count query groups by. Buckets start at whole UTC minutes, hours or days.
public enum BucketSize: String, Hashable, Sendable, CaseIterable {
    case minute
    case hour
    case day

    public var seconds: Int64 {
        switch self {
        case .minute: 60
        case .hour: 3_600
        case .day: 86_400
        }
    }
}
