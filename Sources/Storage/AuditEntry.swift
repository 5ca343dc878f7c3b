import Foundation

/// One change, as the audit trail keeps it: who, when, from where, what, before and after.
/// Written in the same transaction as the change it records; never updated or deleted.
public struct AuditEntry: Hashable, Sendable {
    public var time: Date
    /// The user who made the change; nil for the command line or the system.
    public var userID: UUID?
    /// Their name as it was then (`system` for the command line).
    public var username: String
    /// The client's address, when the change came through the API.
    public var address: String?
    /// What was done: `camera.create`, `geometry.set`, `user.delete`, `token.create`, ….
    public var action: String
    /// What it was done to: `camera:door`, `user:alice`, `site:lobby`.
    public var target: String
    /// The target before and after, as JSON objects with secrets left out; nil where there was none.
    public var before: String?
    public var after: String?

    public init(time: Date, userID: UUID? = nil, username: String, address: String? = nil, action: String, target: String,
                before: String? = nil, after: String? = nil) {
        self.time = time
        self.userID = userID
        self.username = username
        self.address = address
        self.action = action
        self.target = target
        self.before = before
        self.after = after
    }
}

/// Which audit entries to read: a time range, optionally one user, action or target, newest first.
public struct AuditQuery: Hashable, Sendable {
    public var from: Date
    public var to: Date
    public var userID: UUID?
    public var action: String?
    public var target: String?
    public var limit: Int

    public init(from: Date = .distantPast, to: Date = .distantFuture, userID: UUID? = nil, action: String? = nil,
                target: String? = nil, limit: Int = 100) {
        self.from = from
        self.to = to
        self.userID = userID
        self.action = action
        self.target = target
        self.limit = limit
    }

    /// Whether `entry` is one this query asks for (the limit aside).
    public func matches(_ entry: AuditEntry) -> Bool {
        entry.time >= from && entry.time < to && (userID == nil || entry.userID == userID)
            && (action == nil || entry.action == action) && (target == nil || entry.target == target)
    }
}
