/// A counted line through which people enter and leave a zone: crossing it in `entering`
/// direction goes in, the other way comes out. A zone whose every way in and out is such a
/// line has a second occupancy, from the counts, to compare with the one from presence.
public struct ZoneEntrance: Hashable, Sendable, Codable {
    /// The name of a line of the same geometry.
    public var line: String
    public var entering: CrossingDirection

    public init(line: String, entering: CrossingDirection) {
        self.line = line
        self.entering = entering
    }
}
