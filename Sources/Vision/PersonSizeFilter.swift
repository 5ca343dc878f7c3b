import CountingCore

/// Drops boxes that cannot be a standing person where they stand: at large input sizes an SSD
/// network also proposes huge boxes over groups, shadows and street furniture.
public struct PersonSizeFilter: Hashable, Sendable, Codable {
    /// How big a person looks across the image (the same settings blob splitting uses).
    public var personSize: PersonSize?
    /// A box's height may be this many times the expected height at its feet, at least and at most.
    public var minimumRatio: Double
    public var maximumRatio: Double
    /// A box may be at most this many times the expected width (a person walking, arms out).
    public var maximumWidthRatio: Double
    /// Without a person size: boxes taller than this fraction of the frame are dropped.
    public var maximumFrameFraction: Double

    public init(personSize: PersonSize?, minimumRatio: Double = 0.5, maximumRatio: Double = 1.6,
                maximumWidthRatio: Double = 2.5, maximumFrameFraction: Double = 0.6) {
        self.personSize = personSize
        self.minimumRatio = minimumRatio
        self.maximumRatio = maximumRatio
        self.maximumWidthRatio = maximumWidthRatio
        self.maximumFrameFraction = maximumFrameFraction
    }

    /// Whether `box` has a person's size in a frame `frameHeight` pixels high.
    public func accepts(_ box: Box, frameHeight: Int) -> Bool {
        guard let personSize else { return box.height <= maximumFrameFraction * Double(frameHeight) }
        let expected = personSize.expected(atFeet: box.y + box.height)
        return box.height >= minimumRatio * expected.height && box.height <= maximumRatio * expected.height
            && box.width <= maximumWidthRatio * expected.width
    }
}
