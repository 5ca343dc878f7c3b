import CountingCore
import Foundation
import Pipeline
import Testing
import Vision

@Suite(.enabled(if: SyntheticVideo.available, "needs ffmpeg"))
struct VideoCounterTests {
    @Test(arguments: MotionDetectorConfiguration.Background.allCases)
    func countsEachPassThroughTheSegmentOnce(background: MotionDetectorConfiguration.Background) throws {
        let video = try SyntheticVideo.fourPasses()
        defer { try? FileManager.default.removeItem(atPath: video) }
        let geometry = try JSONDecoder().decode(Geometry.self, from: Data(SyntheticVideo.geometryJSON.utf8))
        var reports: [Int] = []
        let counter = VideoCounter(detector: .motion(MotionDetectorConfiguration(background: background)))
        let summary = try counter.count(video: video, geometry: geometry) { done, _ in
            reports.append(done)
        }
        #expect(summary.frames == 350)
        #expect(summary.lines == [.init(name: "middle", countIn: 1, countOut: 2)])
        #expect(summary.zones.first?.peak == 1)
        #expect(reports.last == 350)
    }

    @Test func keepsEveryCrossingWithItsFrameAndStopsBeforeMaxFrames() throws {
        let video = try SyntheticVideo.fourPasses()
        defer { try? FileManager.default.removeItem(atPath: video) }
        let geometry = try JSONDecoder().decode(Geometry.self, from: Data(SyntheticVideo.geometryJSON.utf8))
        let whole = try VideoCounter().run(video: video, geometry: geometry)
        // Out at 1–3 s, in at 4–6 s, out at 7–9 s (25 frames a second); the fourth pass runs below the line.
        try #require(whole.crossings.count == 3)
        #expect(whole.crossings.map { "\($0.crossing.line) \($0.crossing.direction)" } == ["middle out", "middle in", "middle out"])
        for (crossing, frames) in zip(whole.crossings, [25...75, 100...150, 175...225]) {
            #expect(frames.contains(crossing.frame), "crossing at frame \(crossing.frame), expected in \(frames)")
        }
        let firstPart = try VideoCounter().run(video: video, geometry: geometry, sampleFrames: [50, 99, 100, 200], maxFrames: 100)
        #expect(firstPart.summary.frames == 100)
        #expect(firstPart.crossings.map(\.frame) == whole.crossings.prefix(1).map(\.frame))
        #expect(firstPart.crossings.map(\.crossing) == whole.crossings.prefix(1).map(\.crossing))
        #expect(firstPart.summary.lines == [.init(name: "middle", countIn: 0, countOut: 1)])
        // Frames at or after the stop are not sampled.
        #expect(firstPart.summary.zones.first?.samples.map(\.frame) == [50, 99])
    }

    @Test func countsAtAnAnalysisRateAndSamplesPassedOverFramesFromTheLastAnalysed() throws {
        let video = try SyntheticVideo.fourPasses()
        defer { try? FileManager.default.removeItem(atPath: video) }
        let geometry = try JSONDecoder().decode(Geometry.self, from: Data(SyntheticVideo.geometryJSON.utf8))
        let everyFrame = Set(0..<350)
        let run = try VideoCounter(analysisRate: 12.5).run(video: video, geometry: geometry, sampleFrames: everyFrame)
        #expect(run.summary.frames == 175)
        #expect(run.summary.lines == [.init(name: "middle", countIn: 1, countOut: 2)])
        #expect(run.crossings.allSatisfy { $0.frame % 2 == 0 })
        let samples = try #require(run.summary.zones.first?.samples)
        try #require(samples.map(\.frame) == Array(0..<350))
        #expect(samples.contains { $0.occupancy == 1 })
        // A frame passed over (odd) reads what the analysed frame before it left.
        for sample in samples where sample.frame % 2 == 1 {
            #expect(sample.occupancy == samples[sample.frame - 1].occupancy, "frame \(sample.frame)")
        }
    }

    @Test func anAnalysisRateTheDecoderCannotHonourIsAClearError() throws {
        for counter in [VideoCounter(decoder: .ffmpeg, analysisRate: 5), VideoCounter(analysisRate: 0), VideoCounter(analysisRate: .nan)] {
            #expect {
                try counter.run(video: "/nonexistent/video.mp4", geometry: Geometry())
            } throws: { error in
                "\(error)".hasPrefix("analysisRate: ")
            }
        }
    }

    @Test func aMissingVideoIsAClearError() throws {
        #expect {
            try VideoCounter().count(video: "/nonexistent/video.mp4", geometry: Geometry())
        } throws: { error in
            "\(error)".contains("/nonexistent/video.mp4")
        }
    }

    @Test func aTruncatedVideoDoesNotCrash() throws {
        let video = try SyntheticVideo.fourPasses()
        defer { try? FileManager.default.removeItem(atPath: video) }
        let data = try Data(contentsOf: URL(fileURLWithPath: video))
        let truncated = video + ".truncated.mkv"
        defer { try? FileManager.default.removeItem(atPath: truncated) }
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: truncated))
        // Either the decoded part is counted or a clear error is raised; never a crash or hang.
        do {
            let summary = try VideoCounter().count(video: truncated, geometry: Geometry())
            #expect(summary.frames > 0 && summary.frames < 350)
        } catch {
            #expect("\(error)".contains("decoding failed") || "\(error)".contains("cannot open"))
        }
    }
}

struct CountSummaryJSONTests {
    @Test func keysComeInTheDocumentedOrderAndNamesAreEscaped() throws {
        let summary = CountSummary(
            frames: 795, seconds: 4.1234, fps: 192.81, lines: [.init(name: "door \"A\"", countIn: 12, countOut: 9)],
            zones: [.init(name: "lobby", peak: 5, mean: 2.1049)])
        let line = summary.jsonLine()
        #expect(line == #"{"frames":795,"seconds":4.12,"fps":192.8,"lines":[{"name":"door \"A\"","in":12,"out":9}],"zones":[{"name":"lobby","peak":5,"mean":2.1}]}"#)
        let decoded = try JSONDecoder().decode(CountSummary.self, from: Data(line.utf8))
        #expect(decoded.lines == summary.lines)
    }
}
