import CountingCore
import Evaluation
import FootfallSupport
import Foundation
import Pipeline
import Vision

/// One offline count of a video, with every crossing's frame kept, so that errors can be given
/// for part of the video (tune on one part, report on the other).
struct CountRun {
    var summary: CountSummary
    /// Crossings in order: line, direction, frame index, the track that crossed and, for a
    /// crossing counted from two fragments, the track that ended before it.
    var crossings: [(line: String, direction: CrossingDirection, frame: Int, track: Int, linkedTrack: Int?)]

    static func count(video: String, geometry: Geometry, detector: DetectorSpecification,
                      counting: CountingConfiguration = .init(), decoder: FrameDecoder = .inProcess,
                      analysisRate: Double? = nil, sampleFrames: Set<Int>, maxFrames: Int? = nil,
                      progress: (Int, Int?) -> Void) throws -> CountRun {
        try geometry.validate()
        let started = ContinuousClock.now
        let reader = try decoder.open(source: video, keepRate: analysisRate)
        defer { reader.close() }
        var analyzer = FrameAnalyzer(detector: try detector.makeDetector(), geometry: geometry, counting: counting)
        var frames = 0
        var peaks = [Int](repeating: 0, count: geometry.zones.count)
        var sums = [Double](repeating: 0, count: geometry.zones.count)
        var samples = [[CountSummary.OccupancySample]](repeating: [], count: geometry.zones.count)
        var crossings: [(line: String, direction: CrossingDirection, frame: Int, track: Int, linkedTrack: Int?)] = []
        // With an analysis rate, a sample frame passed over reads the occupancy that the last
        // frame analysed before it left, as a camera's live number would.
        let sampleList = sampleFrames.sorted()
        var nextSample = 0
        var previous = [Int](repeating: 0, count: geometry.zones.count)
        func sample(upTo index: Int, including: Bool, occupancies: [Int]) {
            while nextSample < sampleList.count, sampleList[nextSample] < index || including && sampleList[nextSample] == index {
                for (i, occupancy) in occupancies.enumerated() {
                    samples[i].append(.init(frame: sampleList[nextSample], occupancy: occupancy))
                }
                nextSample += 1
            }
        }
        var lastIndex = -1
        while let frame = try reader.next(), frame.index < (maxFrames ?? Int.max) {
            lastIndex = frame.index
            for event in try analyzer.analyze(frame) {
                if case .crossing(let crossing) = event { crossings.append((crossing.line, crossing.direction, frame.index, crossing.trackID, crossing.linkedTrackID)) }
            }
            sample(upTo: frame.index, including: false, occupancies: previous)
            previous = analyzer.occupancies
            sample(upTo: frame.index, including: true, occupancies: previous)
            for (i, occupancy) in previous.enumerated() {
                peaks[i] = max(peaks[i], occupancy)
                sums[i] += Double(occupancy)
            }
            frames += 1
            if frames % 10 == 0 { progress(frame.index + 1, reader.info.frameCount) }
        }
        // Frames passed over after the last one analysed still read its occupancy (a container
        // need not say how many frames it holds).
        if lastIndex >= 0 { sample(upTo: maxFrames ?? Int.max, including: false, occupancies: previous) }
        progress(lastIndex + 1, reader.info.frameCount)
        let seconds = started.duration(to: .now).inSeconds
        let summary = CountSummary(
            frames: frames, seconds: seconds, fps: seconds > 0 ? Double(frames) / seconds : 0,
            lines: analyzer.engine.lineCounters.map { .init(name: $0.line.name, countIn: $0.totalIn, countOut: $0.totalOut) },
            zones: geometry.zones.indices.map { i in
                .init(name: geometry.zones[i].name, peak: peaks[i], mean: frames > 0 ? sums[i] / Double(frames) : 0,
                      samples: samples[i])
            })
        return CountRun(summary: summary, crossings: crossings)
    }

    struct PartComparison {
        /// "walkway in 8 (counted 7), out 6 (counted 6)" for each line.
        var details: [String]
        var lineError: Double
        var linesOff: Int
        var manualCrossings: Int
        var occupancyError: Double
        var samples: Int
    }

    /// Errors over the crossings and zone samples whose frames lie in `frames`: per line and
    /// direction, |counted − by eye| summed, over the crossings by eye; zone samples' mean
    /// absolute error.
    static func compare(_ run: CountRun, crossings: EyeCrossings, manual: ManualCounts, frames: Range<Int>) -> PartComparison {
        var off = 0, total = 0
        var details: [String] = []
        for line in crossings.lines {
            var parts: [String] = []
            for direction in [CrossingDirection.in, .out] {
                let byEye = line.crossings.filter { $0.direction == direction.rawValue && frames.contains($0.frame) }.count
                let counted = run.crossings.filter { $0.line == line.name && $0.direction == direction && frames.contains($0.frame) }.count
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
        return PartComparison(details: details, lineError: total > 0 ? Double(off) / Double(total) : 0, linesOff: off, manualCrossings: total,
                              occupancyError: samples > 0 ? Double(occupancyOff) / Double(samples) : 0, samples: samples)
    }
}

/// The crossings by eye, with their frames, from the same file as `ManualCounts`.
struct EyeCrossings: Decodable {
    struct Line: Decodable {
        struct Crossing: Decodable {
            var frame: Int
            var direction: String
        }

        var name: String
        var crossings: [Crossing]
    }

    var lines: [Line]

    static func load(path: String) throws -> EyeCrossings {
        try JSONDecoder().decode(EyeCrossings.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
