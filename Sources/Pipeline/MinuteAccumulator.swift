import CountingCore
import Foundation
import Storage

/// Folds counting events and per-frame occupancy samples into per-minute results.
///
/// A minute's figures are the run's whole figures for it so far, written with the run's id, so
/// the store adds only what grew since the run last wrote that minute: a minute written again
/// (after a store error, or by the next holder of a pushed camera counting the same frames
/// from the run's checkpoint, which carries these figures) is counted once. Minutes are kept
/// for a while after they are written, so that a visit reported late still adds to its
/// minute's figures; a change to a minute already forgotten is written as a part to add.
struct MinuteAccumulator {
    let cameraID: String
    /// The lines and zones counted now; a change applies to the frames after it.
    var geometry: Geometry
    private(set) var pending = Pending()

    /// What is kept between frames, and in a pushed camera's checkpoint.
    struct Pending: Codable, Equatable {
        /// The run's figures per minute and line or zone.
        var minutes: [Date: [String: CountingResult]] = [:]
        /// Minutes changed since they were last written.
        var unwritten: Set<Date> = []
        /// Minutes before this one were forgotten: their figures restart from zero.
        var forgottenBefore = Date.distantPast
        /// Minutes started again after being forgotten, written as parts to add.
        var additive: Set<Date> = []
        /// No minute is written before this time, after a store error.
        var retryAt = Date.distantPast
    }

    /// How long a written minute is kept for figures reported late (visits and held crossings
    /// come seconds late), and so carried in every checkpoint.
    static let keptFor: TimeInterval = 120

    init(cameraID: String, geometry: Geometry) {
        self.cameraID = cameraID
        self.geometry = geometry
    }

    /// Takes up the figures of the run that wrote `pending` (a checkpoint).
    mutating func resume(_ pending: Pending) {
        self.pending = pending
    }

    private static func minute(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60)
    }

    private mutating func withResult(_ kind: CountingResult.Kind, _ name: String, at date: Date,
                                     _ body: (inout CountingResult) -> Void) {
        let minute = Self.minute(of: date)
        let key = "\(kind.rawValue):\(name)"
        if minute < pending.forgottenBefore && pending.minutes[minute] == nil { pending.additive.insert(minute) }
        var result = pending.minutes[minute]?[key] ?? CountingResult(cameraID: cameraID, kind: kind, name: name, minute: minute)
        let before = result
        body(&result)
        guard result != before || pending.minutes[minute]?[key] == nil else { return }
        pending.minutes[minute, default: [:]][key] = result
        pending.unwritten.insert(minute)
    }

    /// Records a crossing made at `date`.
    mutating func addCrossing(line: String, direction: CrossingDirection, at date: Date) {
        withResult(.line, line, at: date) { result in
            switch direction {
            case .in: result.countIn += 1
            case .out: result.countOut += 1
            }
        }
    }

    /// Records a visit to `zone` that ended at `date` after `seconds` inside.
    mutating func addVisit(zone: String, seconds: Double, endedAt date: Date) {
        withResult(.zone, zone, at: date) { result in
            if result.dwellSeconds.count < CountingResult.maximumVisits { result.dwellSeconds.append(max(0, seconds)) }
        }
    }

    /// Records one frame: occupancy samples for every zone, and an empty result for every
    /// line so that quiet minutes are stored as zeros rather than missing.
    mutating func addFrame(occupancies: [Int], at date: Date) {
        for line in geometry.lines {
            withResult(.line, line.name, at: date) { _ in }
        }
        for (zone, occupancy) in zip(geometry.zones, occupancies) {
            withResult(.zone, zone.name, at: date) { result in
                if result.occupancySamples == 0 {
                    result.occupancyMin = occupancy
                    result.occupancyMax = occupancy
                } else {
                    result.occupancyMin = min(result.occupancyMin, occupancy)
                    result.occupancyMax = max(result.occupancyMax, occupancy)
                }
                result.occupancySum += Double(occupancy)
                result.occupancySamples += 1
            }
        }
    }

    /// The figures to write of the minutes that ended at or before `date` and changed since
    /// they were last written, stamped with `runID`; they count as written. Minutes written
    /// long enough ago are forgotten.
    mutating func drainMinutes(endingBy date: Date, runID: String) -> [CountingResult] {
        guard date >= pending.retryAt else { return [] }
        let current = Self.minute(of: date)
        // Only minutes written by an earlier call are forgotten: those taken now stay until the
        // store has taken them (a refusal puts them back through `notWritten`).
        let cutoff = current.addingTimeInterval(-Self.keptFor)
        if pending.minutes.keys.contains(where: { $0 < cutoff && !pending.unwritten.contains($0) }) {
            for minute in pending.minutes.keys where minute < cutoff && !pending.unwritten.contains(minute) {
                pending.minutes[minute] = nil
            }
            pending.forgottenBefore = max(pending.forgottenBefore, cutoff)
        }
        return take(pending.unwritten.filter { $0 < current }, runID: runID)
    }

    /// Every minute changed since it was last written, the current one included: the run is
    /// over, or (with `date`, after a store error only from its retry time) the camera is quiet.
    mutating func drainAll(runID: String, at date: Date? = nil) -> [CountingResult] {
        if let date, date < pending.retryAt { return [] }
        return take(pending.unwritten, runID: runID)
    }

    private mutating func take(_ minutes: Set<Date>, runID: String) -> [CountingResult] {
        minutes.sorted().flatMap { minute -> [CountingResult] in
            pending.unwritten.remove(minute)
            let results = (pending.minutes[minute] ?? [:]).values.sorted { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }
            guard !pending.additive.contains(minute) else {
                // A part to add cannot be written twice: the minute starts from zero again.
                pending.additive.remove(minute)
                pending.minutes[minute] = nil
                return results
            }
            return results.map { result in
                var stamped = result
                stamped.runID = runID
                return stamped
            }
        }
    }

    /// Takes back `results` the store did not take, to be written again from `retryAt` on.
    mutating func notWritten(_ results: [CountingResult], retryAt: Date) {
        pending.retryAt = retryAt
        for result in results {
            let key = "\(result.kind.rawValue):\(result.name)"
            pending.unwritten.insert(result.minute)
            if result.runID == nil {
                // A part to add: what came since is added to it.
                pending.additive.insert(result.minute)
                pending.minutes[result.minute, default: [:]][key] = pending.minutes[result.minute]?[key].map { result.merged(with: $0) } ?? result
            }
        }
    }
}
