/// How many crossings of one line went each way.
public struct CrossingTotals: Hashable, Sendable {
    public var countIn: Int
    public var countOut: Int

    public init(countIn: Int = 0, countOut: Int = 0) {
        self.countIn = countIn
        self.countOut = countOut
    }
}
