import CountingCore
import FootfallSupport
import Foundation
import Vision

/// Counts people in a whole video file as fast as it decodes: `footfall count`.
public struct VideoCounter {
    public var detector: DetectorSpecification
    public var counting: CountingConfiguration
    /// How the video is decoded (in process unless told otherwise).
    public var decoder: FrameDecoder
    /// Frames a second analysed, as a camera analysing at this rate would: the others are
    /// decoded but not analysed (at least one a second is analysed). nil analyses every frame.
    /// In-process decoders only: counting fails with `.invalidSetting` for the ffmpeg
    /// subprocess, which hands on every frame, and for a rate that is not above 0.
    public var analysisRate: Double?

    public init(detector: DetectorSpecification = .motion(.init()), counting: CountingConfiguration = .init(),
                decoder: FrameDecoder = .inProcess, analysisRate: Double? = nil) {
        self.detector = detector
        self.counting = counting
        self.decoder = decoder
        self.analysisRate = analysisRate
    }

    /// Fails with `.invalidSetting` (field `analysisRate`) for a rate that is not above 0, or a
    /// rate with the ffmpeg decoder, which hands on every frame.
    public static func check(analysisRate: Double?, decoder: FrameDecoder) throws(PipelineError) {
        guard let analysisRate else { return }
        guard analysisRate > 0, analysisRate.isFinite else {
            throw .invalidSetting(field: "analysisRate", reason: "frames a second, above 0")
        }
        guard decoder != .ffmpeg else {
            throw .invalidSetting(field: "analysisRate", reason: "the ffmpeg decoder hands on every frame; decode in process")
        }
    }

    /// Runs on the calling thread (it blocks while reading). `progress` gets the frames read so
    /// far, analysed or passed over, and, when the container says, the total. Zone occupancy is
    /// also kept at `sampleFrames` (0-based frame numbers on the stream's timeline), to compare
    /// with counts made by eye.
    public func count(
        video: String, geometry: Geometry, sampleFrames: Set<Int> = [],
        progress: (_ done: Int, _ total: Int?) -> Void = { _, _ in }
    ) throws(PipelineError) -> CountSummary {
        try run(video: video, geometry: geometry, sampleFrames: sampleFrames, progress: progress).summary
    }

    /// Counts as `count` does, stopping before frame `maxFrames` when given, and keeps every
    /// crossing with its frame. A sample frame the analysis passes over reads the occupancy the
    /// last analysed frame before it left, as a camera's live number would; so do sample frames
    /// after the last frame read (below `maxFrames`), since a container need not say how many
    /// frames it holds.
    public func run(
        video: String, geometry: Geometry, sampleFrames: Set<Int> = [], maxFrames: Int? = nil,
        progress: (_ done: Int, _ total: Int?) -> Void = { _, _ in }
    ) throws(PipelineError) -> VideoCount {
        do throws(CountingCoreError) {
            try geometry.validate()
        } catch {
            switch error {
            case .invalidGeometry(let field, let reason): throw .invalidGeometry(field: field, reason: reason)
            }
        }
        try Self.check(analysisRate: analysisRate, decoder: decoder)
        do throws(VisionError) {
            let started = ContinuousClock.now
            let reader = try decoder.open(source: video, keepRate: analysisRate)
            defer { reader.close() }
            var analyzer = FrameAnalyzer(detector: try detector.makeDetector(), geometry: geometry, counting: counting)
            var frames = 0
            var peaks = [Int](repeating: 0, count: geometry.zones.count)
            var sums = [Double](repeating: 0, count: geometry.zones.count)
            var samples = [[CountSummary.OccupancySample]](repeating: [], count: geometry.zones.count)
            var crossings: [(frame: Int, crossing: LineCrossing)] = []
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
                for case .crossing(let crossing) in try analyzer.analyze(frame) {
                    crossings.append((frame.index, crossing))
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
            return VideoCount(summary: summary, crossings: crossings)
        } catch {
            throw .vision(error)
        }
    }
}
