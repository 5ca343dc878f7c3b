/// What a user may do, from least to most.
public enum Role: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// Reads everything it is granted; changes nothing.
    case viewer
    /// Also manages cameras and their lines and zones, and acknowledges alerts.
    case `operator`
    /// Also manages users, tokens, sites and settings.
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}
