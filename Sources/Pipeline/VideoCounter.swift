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

    public init(detector: DetectorSpecification = .motion(.init()), counting: CountingConfiguration = .init(),
                decoder: FrameDecoder = .inProcess) {
        self.detector = detector
        self.counting = counting
        self.decoder = decoder
    }

    /// Runs on the calling thread (it blocks while reading). `progress` gets frames done and,
    /// when the container says, the total. Zone occupancy is also kept at `sampleFrames`
    /// (0-based frame numbers), to compare with counts made by eye.
    public func count(
        video: String, geometry: Geometry, sampleFrames: Set<Int> = [],
        progress: (_ done: Int, _ total: Int?) -> Void = { _, _ in }
    ) throws(PipelineError) -> CountSummary {
        do throws(CountingCoreError) {
            try geometry.validate()
        } catch {
            switch error {
            case .invalidGeometry(let field, let reason): throw .invalidGeometry(field: field, reason: reason)
            }
        }
        do throws(VisionError) {
            let started = ContinuousClock.now
            let reader = try decoder.open(source: video)
            defer { reader.close() }
            let total = reader.info.frameCount
            var analyzer = FrameAnalyzer(detector: try detector.makeDetector(), geometry: geometry,
                                         counting: counting)
            var frames = 0
            var peaks = [Int](repeating: 0, count: geometry.zones.count)
            var sums = [Double](repeating: 0, count: geometry.zones.count)
            var samples = [[CountSummary.OccupancySample]](repeating: [], count: geometry.zones.count)
            while let frame = try reader.next() {
                _ = try analyzer.analyze(frame)
                for (i, occupancy) in analyzer.occupancies.enumerated() {
                    peaks[i] = max(peaks[i], occupancy)
                    sums[i] += Double(occupancy)
                    if sampleFrames.contains(frames) { samples[i].append(.init(frame: frames, occupancy: occupancy)) }
                }
                frames += 1
                if frames % 10 == 0 { progress(frames, total) }
            }
            progress(frames, total)
            let elapsed = started.duration(to: .now)
            let seconds = elapsed.inSeconds
            return CountSummary(
                frames: frames, seconds: seconds, fps: seconds > 0 ? Double(frames) / seconds : 0,
                lines: analyzer.engine.lineCounters.map {
                    .init(name: $0.line.name, countIn: $0.totalIn, countOut: $0.totalOut)
                },
                zones: geometry.zones.indices.map { i in
                    .init(name: geometry.zones[i].name, peak: peaks[i], mean: frames > 0 ? sums[i] / Double(frames) : 0,
                          samples: samples[i])
                })
        } catch {
            throw .vision(error)
        }
    }
}
