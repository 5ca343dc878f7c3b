import Foundation

/// Per-minute totals of one line or zone of one camera.
///
/// Writing a result for a minute that already has one adds the counts and merges the
/// occupancy figures, so a minute split across two writes (a restart, say) stays whole.
///
/// A result that names its `runID` is instead that run's figures for the minute so far: the
/// store adds only what grew since the run's last write of that minute, so a run that writes
/// a minute twice (a worker that died after storing it, and the next one that counted the
/// same frames again from the last checkpoint) counts it once.
public struct CountingResult: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case line
        case zone
    }

    public var cameraID: String
    public var kind: Kind
    public var name: String
    /// Start of the minute (UTC, whole minute).
    public var minute: Date
    public var countIn: Int
    public var countOut: Int
    public var occupancyMin: Int
    public var occupancyMax: Int
    /// Sum of the occupancy samples and their number; the mean is `sum / samples`.
    public var occupancySum: Double
    public var occupancySamples: Int
    /// Zones only: how long each visit that ended in this minute lasted, in seconds.
    public var dwellSeconds: [Double]
    /// The counting run whose figures so far these are, or nil for a part to add.
    public var runID: String?

    /// The most visits one zone's minute may hold.
    public static let maximumVisits = 10_000

    public init(cameraID: String, kind: Kind, name: String, minute: Date, countIn: Int = 0, countOut: Int = 0,
                occupancyMin: Int = 0, occupancyMax: Int = 0, occupancySum: Double = 0, occupancySamples: Int = 0,
                dwellSeconds: [Double] = [], runID: String? = nil) {
        self.cameraID = cameraID
        self.kind = kind
        self.name = name
        self.minute = minute
        self.countIn = countIn
        self.countOut = countOut
        self.occupancyMin = occupancyMin
        self.occupancyMax = occupancyMax
        self.occupancySum = occupancySum
        self.occupancySamples = occupancySamples
        self.dwellSeconds = dwellSeconds
        self.runID = runID
    }

    /// Checks the fields; the error names the first bad one.
    public func validate() throws(StorageError) {
        if cameraID.isEmpty { throw .invalidInput(field: "result.cameraID", reason: "must not be empty") }
        if name.isEmpty || name.count > 100 { throw .invalidInput(field: "result.name", reason: "must have 1 to 100 characters") }
        if countIn < 0 || countOut < 0 { throw .invalidInput(field: "result.count", reason: "counts cannot be negative") }
        if occupancyMin < 0 || occupancyMax < occupancyMin {
            throw .invalidInput(field: "result.occupancy", reason: "need 0 ≤ min ≤ max")
        }
        if let runID, runID.isEmpty || runID.utf8.count > 100 {
            throw .invalidInput(field: "result.runID", reason: "must have 1 to 100 bytes")
        }
        if occupancySamples < 0 { throw .invalidInput(field: "result.occupancySamples", reason: "cannot be negative") }
        if dwellSeconds.count > Self.maximumVisits {
            throw .invalidInput(field: "result.dwellSeconds", reason: "holds more than \(Self.maximumVisits) visits")
        }
        if dwellSeconds.contains(where: { !$0.isFinite || $0 < 0 || $0 > 7 * 86_400 }) {
            throw .invalidInput(field: "result.dwellSeconds", reason: "each visit lasts 0 s to 7 days")
        }
        if kind == .line && !dwellSeconds.isEmpty {
            throw .invalidInput(field: "result.dwellSeconds", reason: "only zones have visits")
        }
        if minute.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) != 0 {
            throw .invalidInput(field: "result.minute", reason: "must be the start of a minute")
        }
    }
}
