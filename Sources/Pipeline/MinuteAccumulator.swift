import CountingCore
import Foundation
import Storage

/// Folds counting events and per-frame occupancy samples into per-minute results.
struct MinuteAccumulator {
    let cameraID: String
    /// The lines and zones counted now; a change applies to the frames after it.
    var geometry: Geometry
    private var minutes: [Date: [String: CountingResult]] = [:]

    init(cameraID: String, geometry: Geometry) {
        self.cameraID = cameraID
        self.geometry = geometry
    }

    private static func minute(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60)
    }

    private mutating func withResult(_ kind: CountingResult.Kind, _ name: String, at date: Date,
                                     _ body: (inout CountingResult) -> Void) {
        let minute = Self.minute(of: date)
        let key = "\(kind.rawValue):\(name)"
        var result = minutes[minute]?[key] ?? CountingResult(cameraID: cameraID, kind: kind, name: name, minute: minute)
        body(&result)
        minutes[minute, default: [:]][key] = result
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

    /// Removes and returns the results of minutes that ended at or before `date`.
    mutating func drainMinutes(endingBy date: Date) -> [CountingResult] {
        let current = Self.minute(of: date)
        let done = minutes.keys.filter { $0 < current }.sorted()
        return done.flatMap { minute in
            minutes.removeValue(forKey: minute)!.values.sorted { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }
        }
    }

    /// Removes and returns everything, the current partial minute included.
    mutating func drainAll() -> [CountingResult] {
        drainMinutes(endingBy: .distantFuture)
    }
}
