import Foundation

/// People in and out of one line of one camera in one whole UTC hour.
public struct HourlyLineCount: Hashable, Sendable {
    public var cameraID: String
    public var line: String
    /// Start of the hour.
    public var hour: Date
    public var countIn: Int
    public var countOut: Int

    public init(cameraID: String, line: String, hour: Date, countIn: Int, countOut: Int) {
        self.cameraID = cameraID
        self.line = line
        self.hour = hour
        self.countIn = countIn
        self.countOut = countOut
    }
}
