import CountingCore
import Evaluation
import Pipeline

/// How an offline count compares with the counts by eye over part of the video (tune on one
/// part, report on the other).
struct PartComparison {
    /// "walkway in 8 (counted 7), out 6 (counted 6)" for each line.
    var details: [String]
    var lineError: Double
    var linesOff: Int
    var manualCrossings: Int
    var occupancyError: Double
    var samples: Int

    /// Errors over the crossings and zone samples whose frames lie in `frames`: per line and
    /// direction, |counted − by eye| summed, over the crossings by eye; zone samples' mean
    /// absolute error.
    init(_ run: VideoCount, manual: ManualCounts, frames: Range<Int>) {
        var off = 0, total = 0
        var details: [String] = []
        for line in manual.lines {
            var parts: [String] = []
            for direction in [CrossingDirection.in, .out] {
                let byEye = (line.crossings ?? []).filter { $0.direction == direction && frames.contains($0.frame) }.count
                let counted = run.crossings.filter {
                    $0.crossing.line == line.name && $0.crossing.direction == direction && frames.contains($0.frame)
                }.count
                off += abs(counted - byEye)
                total += byEye
                parts.append("\(direction.rawValue) \(byEye) (counted \(counted))")
            }
            details.append("line \(line.name): " + parts.joined(separator: ", "))
        }
        var occupancyOff = 0, samples = 0
        for zone in manual.zones {
            let counted = run.summary.zones.first { $0.name == zone.name }
            var shown: [String] = []
            for sample in zone.occupancy where frames.contains(sample.frame) {
                let automatic = counted?.samples.first { $0.frame == sample.frame }?.occupancy ?? 0
                occupancyOff += abs(automatic - sample.people)
                samples += 1
                shown.append("\(sample.frame): \(sample.people) (counted \(automatic))")
            }
            details.append("zone \(zone.name) at frames " + shown.joined(separator: ", "))
        }
        self.details = details
        lineError = total > 0 ? Double(off) / Double(total) : 0
        linesOff = off
        manualCrossings = total
        occupancyError = samples > 0 ? Double(occupancyOff) / Double(samples) : 0
        self.samples = samples
    }
}
