import Storage

/// Who may call a route. Every API route states one when it is added.
public enum Access: Hashable, Sendable, CustomStringConvertible {
    /// Anyone, signed in or not: signing in, health, the dashboard's files, the API description.
    case open
    /// A signed-in user whose role is at least this one.
    case role(Role)

    public var description: String {
        switch self {
        case .open: "open"
        case .role(let role): role.rawValue
        }
    }
}

/// One route of the API: its method, its path (with `:name` parameters) and who may call it.
public struct RouteSpec: Hashable, Sendable {
    public var method: String
    public var path: String
    public var access: Access
}
