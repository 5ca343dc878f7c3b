import Foundation

/// What one model did for one camera in one minute (a `model_logs` row): frames analysed,
/// network inputs run (regions), inference time, people found and failures.
public struct ModelMinute: Hashable, Sendable {
    public var cameraID: String
    public var modelName: String
    public var modelVersion: String
    public var modelKind: AIModel.Kind
    /// Start of the minute (UTC, whole minute).
    public var minute: Date
    public var frames: Int
    /// Network inputs run: tiles, or whole frames; detectors without a network count frames.
    public var regions: Int
    public var detections: Int
    /// Frames on which the detector failed.
    public var errors: Int
    /// Mean and 99th percentile of the time to detect one frame, in milliseconds.
    public var meanMilliseconds: Double
    public var p99Milliseconds: Double
    /// The last failure's message, if any failed.
    public var lastError: String?

    public init(cameraID: String, modelName: String, modelVersion: String, modelKind: AIModel.Kind, minute: Date,
                frames: Int = 0, regions: Int = 0, detections: Int = 0, errors: Int = 0,
                meanMilliseconds: Double = 0, p99Milliseconds: Double = 0, lastError: String? = nil) {
        self.cameraID = cameraID
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.modelKind = modelKind
        self.minute = minute
        self.frames = frames
        self.regions = regions
        self.detections = detections
        self.errors = errors
        self.meanMilliseconds = meanMilliseconds
        self.p99Milliseconds = p99Milliseconds
        self.lastError = lastError
    }

    /// Longest failure message kept.
    public static let maximumErrorLength = 500

    /// Checks the fields; the error names the first bad one.
    public func validate() throws(StorageError) {
        try Validation.identifier(cameraID, field: "modelMinute.cameraID")
        if modelName.isEmpty || modelName.count > 100 { throw .invalidInput(field: "modelMinute.modelName", reason: "1 to 100 characters are required") }
        if modelVersion.isEmpty || modelVersion.count > 50 { throw .invalidInput(field: "modelMinute.modelVersion", reason: "1 to 50 characters are required") }
        if minute.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) != 0 {
            throw .invalidInput(field: "modelMinute.minute", reason: "a whole minute is required")
        }
        for (value, field) in [(frames, "frames"), (regions, "regions"), (detections, "detections"), (errors, "errors")] where value < 0 {
            throw .invalidInput(field: "modelMinute.\(field)", reason: "a count cannot be negative")
        }
        for (value, field) in [(meanMilliseconds, "meanMilliseconds"), (p99Milliseconds, "p99Milliseconds")]
            where !(value >= 0 && value < 3_600_000) {
            throw .invalidInput(field: "modelMinute.\(field)", reason: "milliseconds from 0 to an hour are required")
        }
    }

    /// This minute combined with another part of the same minute (a camera restarted within
    /// it): counts add, the mean is weighted by frames, the p99 is the larger (an upper bound).
    public func merged(with other: ModelMinute) -> ModelMinute {
        var merged = self
        let frames = self.frames + other.frames
        merged.meanMilliseconds = frames == 0 ? 0
            : (meanMilliseconds * Double(self.frames) + other.meanMilliseconds * Double(other.frames)) / Double(frames)
        merged.frames = frames
        merged.regions += other.regions
        merged.detections += other.detections
        merged.errors += other.errors
        merged.p99Milliseconds = max(p99Milliseconds, other.p99Milliseconds)
        merged.lastError = other.lastError ?? lastError
        return merged
    }
}
