import Foundation

/// A place with cameras (a shop, a station entrance), in its own time zone.
public struct Site: Hashable, Sendable {
    /// Short stable identifier: letters, digits, `-` and `_`, as camera ids.
    public var id: String
    public var name: String
    /// An IANA time zone name (`Europe/Paris`); days and opening hours follow it.
    public var timeZone: String

    public init(id: String, name: String, timeZone: String = "UTC") {
        self.id = id
        self.name = name
        self.timeZone = timeZone
    }

    /// Checks the fields; the error names the first bad one.
    public func validate() throws(StorageError) {
        try Validation.identifier(id, field: "site.id")
        try Validation.name(name, field: "site.name")
        guard TimeZone(identifier: timeZone) != nil else {
            throw .invalidInput(field: "site.timeZone", reason: "\"\(timeZone.prefix(64))\" is not a time zone name such as Europe/Paris")
        }
    }
}
