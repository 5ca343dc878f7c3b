import Foundation

/// People in and out of a bucket that starts at `start`.
public struct BucketCount: Hashable, Sendable {
    public var start: Date
    public var countIn: Int
    public var countOut: Int

    public init(start: Date, countIn: Int, countOut: Int) {
        self.start = start
        self.countIn = countIn
        self.countOut = countOut
    }
}
