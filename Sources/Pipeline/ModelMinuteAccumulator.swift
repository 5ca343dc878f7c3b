import Foundation
import Storage

/// Folds each analysed frame's detection figures into per-minute `ModelMinute`s for one camera
/// and one model: what `model_logs` keeps.
struct ModelMinuteAccumulator {
    let cameraID: String
    let model: AIModel
    private var minutes: [Date: Minute] = [:]

    private struct Minute {
        var milliseconds: [Double] = []
        var regions = 0
        var detections = 0
        var errors = 0
        var lastError: String?
    }

    init(cameraID: String, model: AIModel) {
        self.cameraID = cameraID
        self.model = model
    }

    private static func minute(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60)
    }

    /// One frame analysed at `date`: detection took `seconds`, ran `regions` network inputs and found `detections` people.
    mutating func addFrame(at date: Date, seconds: Double, regions: Int, detections: Int) {
        let minute = Self.minute(of: date)
        minutes[minute, default: Minute()].milliseconds.append(max(0, seconds) * 1_000)
        minutes[minute]!.regions += regions
        minutes[minute]!.detections += detections
    }

    /// One frame on which the detector failed.
    mutating func addFailure(at date: Date, message: String) {
        let minute = Self.minute(of: date)
        minutes[minute, default: Minute()].errors += 1
        minutes[minute]!.lastError = String(message.prefix(ModelMinute.maximumErrorLength))
    }

    /// The minutes that ended by `date`, oldest first; they are forgotten here.
    mutating func drainMinutes(endingBy date: Date) -> [ModelMinute] {
        let ended = minutes.keys.filter { $0.addingTimeInterval(60) <= date }.sorted()
        return ended.map { take($0) }
    }

    /// Every minute held, oldest first (at the end of a run).
    mutating func drainAll() -> [ModelMinute] {
        minutes.keys.sorted().map { take($0) }
    }

    private mutating func take(_ start: Date) -> ModelMinute {
        let minute = minutes.removeValue(forKey: start) ?? Minute()
        let sorted = minute.milliseconds.sorted()
        let mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        // Nearest rank: the smallest value with at least 99 % of the frames at or below it.
        let p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((0.99 * Double(sorted.count)).rounded(.up)) - 1)]
        return ModelMinute(cameraID: cameraID, modelName: model.name, modelVersion: model.version, modelKind: model.kind,
                           minute: start, frames: sorted.count, regions: minute.regions, detections: minute.detections,
                           errors: minute.errors, meanMilliseconds: mean, p99Milliseconds: p99, lastError: minute.lastError)
    }
}
