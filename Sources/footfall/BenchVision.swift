import ArgumentParser
import CountingCore
import FootfallApp
import FootfallSupport
import Foundation
import Pipeline
import Vision

struct BenchVision: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vision",
        abstract: "Frames/s of decoding alone (the baseline), decoding + detection, and the whole weight-free pipeline.",
        discussion: """
            Runs each stage over the whole VIDEO (default: the demo's vtest.avi) in this process: \
            in-process decoding (the baseline) and ffmpeg through a pipe, taking turns for three \
            rounds (each round's ratio and their median); decoding plus the motion \
            detector; decoding, detection, tracking and counting with the demo geometry; every frame \
            decoded and one in five analysed, as a camera analysing 5 of 25 frames a second does; the \
            motion detector alone at several scales and with either background model. Ratios are \
            to in-process decoding alone.
            With --detector ssd: the trained detector on decoded frames instead — the whole frame \
            at 300×300 (the baseline), at native size, and in regions; batched against unbatched \
            passes for 8 cameras; and cameras per core at 5 analysed frames/s.
            """)

    @Argument(help: "Video file.")
    var video = "footfall-data/samples/vtest.avi"

    @Option(help: "Geometry file for the counting stage.")
    var lines = "Fixtures/vtest-geometry.json"

    @Flag(help: "Also time HOG with frames scaled to 640 and 320 pixels wide.")
    var hog = false

    @Option(help: "Also time a YOLO ONNX model: PATH:SIZE (repeat for several; make one with scripts/bench_onnx.sh).")
    var onnx: [String] = []

    @Option(help: "Frames for the slow detectors (HOG, ONNX).")
    var slowFrames = 60

    @Option(help: "OpenCV threads (the targets are for one core).")
    var threads = 1

    @Option(help: "ssd: measure the trained detector instead (see above).")
    var detector: DetectorKind?

    @OptionGroup var dataDirectory: DataDirectoryOption

    @Option(help: "ssd: consecutive frames measured per mode.")
    var ssdFrames = 120

    @Option(help: "ssd: expected person size (regions and size limits); default: the demo video's.")
    var personSize = "150:20x55,365:37x100"

    @Option(help: "ssd: tile size of the regions, in pixels.")
    var tileSize = SSDDetectorConfiguration(modelDirectory: "").tileSize

    @Option(help: "ssd: padding of the regions around lines, zones and motion, in person heights.")
    var padding = SSDDetectorConfiguration(modelDirectory: "").padding

    func run() throws {
        OpenCVThreads.set(threads)
        if let detector {
            guard detector == .ssd else { throw ValidationError("--detector: only ssd is measured this way") }
            try BenchSSD(video: video, lines: lines, dataDirectory: try dataDirectory.path(), frames: ssdFrames,
                         personSize: PersonSize(personSize), tileSize: tileSize, padding: padding).run()
            return
        }
        let clock = ContinuousClock()
        var frames = 0
        let faultsBefore = Self.minorPageFaults()
        let decode = try clock.measure {
            let reader = try FrameDecoder.inProcess.open(source: video)
            defer { reader.close() }
            while try reader.next() != nil { frames += 1 }
        }
        let decodeFaults = Self.minorPageFaults() - faultsBefore
        let probe = try FrameDecoder.inProcess.open(source: video)
        let frameBytes = probe.info.width * probe.info.height * 3
        probe.close()
        // This machine's speed drifts by a tenth or more within minutes: the two decoders take
        // turns, so that the drift falls on both, and the ratio is each round's.
        func decodingRate(_ decoder: FrameDecoder) throws -> Double {
            var count = 0
            let duration = try clock.measure {
                let reader = try decoder.open(source: video)
                defer { reader.close() }
                while try reader.next() != nil { count += 1 }
            }
            return Double(count) / duration.inSeconds
        }
        var turns: [(inProcess: Double, pipe: Double)] = []
        for round in 0..<3 {
            // In-process first, then the pipe first, so that a steady drift does not favour one.
            if round % 2 == 0 {
                let inProcess = try decodingRate(.inProcess)
                turns.append((inProcess, try decodingRate(.ffmpeg)))
            } else {
                let pipe = try decodingRate(.ffmpeg)
                turns.append((try decodingRate(.inProcess), pipe))
            }
        }
        let detector = try MotionDetector()
        let detect = try clock.measure {
            let reader = try FrameDecoder.inProcess.open(source: video)
            defer { reader.close() }
            while let frame = try reader.next() { _ = try detector.detect(frame) }
        }
        let geometry = try GeometryFile.load(path: lines)
        var summary: CountSummary?
        let whole = try clock.measure { summary = try VideoCounter().count(video: video, geometry: geometry) }
        let plain = VideoCounter(counting: CountingConfiguration(usesAppearance: false))
        let withoutAppearance = try clock.measure { _ = try plain.count(video: video, geometry: geometry) }
        // A camera analyses 5 of its 25 frames a second: every frame decoded, one in five analysed.
        var analysed = 0
        let sampled = try clock.measure {
            let reader = try FrameDecoder.inProcess.open(source: video)
            defer { reader.close() }
            var analyzer = FrameAnalyzer(detector: try MotionDetector(), geometry: geometry)
            var index = 0
            while let frame = try reader.next() {
                if index % 5 == 0 {
                    _ = try analyzer.analyze(frame)
                    analysed += 1
                }
                index += 1
            }
        }
        // The same, as a camera pipeline decodes: the four frames in five the analysis skips
        // are decoded but not converted to BGR.
        func keptRun(_ configuration: MotionDetectorConfiguration) throws -> Duration {
            try clock.measure {
                let reader = try FrameDecoder.inProcess.open(source: video, keepRate: 2)
                defer { reader.close() }
                var analyzer = FrameAnalyzer(detector: try MotionDetector(configuration: configuration),
                                             geometry: geometry)
                while let frame = try reader.next() { _ = try analyzer.analyze(frame) }
            }
        }
        let kept = try keptRun(MotionDetectorConfiguration())
        let keptGaussian = try keptRun(MotionDetectorConfiguration(background: .gaussian))
        let base = Double(frames) / decode.inSeconds
        for (round, turn) in turns.enumerated() {
            print("decoders, round \(round + 1): " + String(format: "in-process %.1f frames/s, ffmpeg through a pipe %.1f frames/s: ×%.2f",
                                                           turn.inProcess, turn.pipe, turn.inProcess / turn.pipe))
        }
        let ratios = turns.map { $0.inProcess / $0.pipe }.sorted()
        print(String(format: "decoders: in-process ×%.2f the pipe (median of %d rounds taken in turns)", ratios[ratios.count / 2], ratios.count))
        for (name, duration) in [("decode only (in-process, baseline)", decode), ("decode + motion detector", detect),
                                 ("decode + detect + track + count", whole),
                                 ("  the same, no colour signatures", withoutAppearance),
                                 ("decode all, analyse 1 in 5", sampled),
                                 ("  the same, the 4 not converted", kept),
                                 ("  the same, one Gaussian a pixel", keptGaussian)] {
            let fps = Double(frames) / duration.inSeconds
            print(name.padding(toLength: 36, withPad: " ", startingAt: 0)
                  + String(format: "%8.1f frames/s  ×%.2f", fps, fps / base))
        }
        // Each frame is a new array; were its memory fresh from the kernel, every 4 KiB page of it
        // would fault once. A buffer pool is worth having only if these faults are there.
        print(String(format: "decode only: %.1f minor page faults a frame (a fresh %d-byte frame would take %d)",
                     Double(decodeFaults) / Double(max(frames, 1)), frameBytes, frameBytes / 4_096))
        let counted = Double(frames) / whole.inSeconds, detected = Double(frames) / detect.inSeconds
        print(String(format: "tracking and counting cost %.1f %% of decode + detect", 100 * (1 - counted / detected)))
        print(String(format: "colour signatures cost %.1f %% of the whole pipeline's frame rate (one run each; noisy)",
                     100 * (1 - counted / (Double(frames) / withoutAppearance.inSeconds))))
        try timeSignatures(geometry: geometry, wholeSecondsPerFrame: whole.inSeconds / Double(frames))
        try timeMotionScales(decodeSecondsPerFrame: decode.inSeconds / Double(frames))
        if let summary { print("counts: " + summary.jsonLine()) }

        try timeSlowDetectors()
    }

    /// Colour signatures alone, on the motion detector's detections of the first 200 frames,
    /// ten passes: steadier than the difference of two whole runs.
    private func timeSignatures(geometry: Geometry, wholeSecondsPerFrame: Double) throws {
        let reader = try FFmpegFrameReader(source: video)
        let detector = try MotionDetector()
        var sample: [(Frame, [Detection])] = []
        while sample.count < 200, let frame = try reader.next() { sample.append((frame, try detector.detect(frame))) }
        reader.close()
        guard !sample.isEmpty else { return }
        var signatures = 0
        let passes = 10
        let duration = ContinuousClock().measure {
            for _ in 0..<passes {
                for (frame, detections) in sample {
                    signatures += FrameAnalyzer.addingAppearance(to: detections, frame: frame, geometry: geometry)
                        .filter { $0.appearance != nil }.count
                }
            }
        }
        let perFrame = duration.inSeconds / Double(sample.count * passes)
        print(String(format: "colour signatures alone: %.1f µs a frame (%.1f signatures a frame, %.2f µs each), %.1f %% of a whole pipeline frame",
                     perFrame * 1e6, Double(signatures) / Double(sample.count * passes),
                     signatures > 0 ? duration.inSeconds * 1e6 / Double(signatures) : 0, 100 * perFrame / wholeSecondsPerFrame))
    }

    /// Minor page faults of this process so far (`getrusage`).
    static func minorPageFaults() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_minflt
    }

    /// The motion detector alone at several scales, in colour and in grey, with either background
    /// model, on the same decoded frames (the first 200, five passes each, a fresh model per pass).
    private func timeMotionScales(decodeSecondsPerFrame: Double) throws {
        let reader = try FFmpegFrameReader(source: video)
        var sample: [Frame] = []
        while sample.count < 200, let frame = try reader.next() { sample.append(frame) }
        reader.close()
        guard !sample.isEmpty else { return }
        let variants: [(String, MotionDetectorConfiguration)] = [
            ("colour, full scale", .init(scale: 1)), ("colour, 1/2", .init(scale: 0.5)),
            ("grey, 1/2", .init(scale: 0.5, grey: true)), ("colour, 1/4", .init(scale: 0.25)),
            ("grey, 1/4", .init(scale: 0.25, grey: true)),
            ("gaussian colour, 1/2", .init(scale: 0.5, background: .gaussian)),
            ("gaussian grey, 1/2", .init(scale: 0.5, grey: true, background: .gaussian)),
        ]
        var baseline: Double?
        for (name, configuration) in variants {
            let passes = 5
            var total = Duration.zero
            for _ in 0..<passes {
                let detector = try MotionDetector(configuration: configuration)
                total += try ContinuousClock().measure { for frame in sample { _ = try detector.detect(frame) } }
            }
            let perFrame = total.inSeconds / Double(sample.count * passes)
            let base = baseline ?? perFrame
            baseline = base
            print("motion " + name.padding(toLength: 20, withPad: " ", startingAt: 0)
                  + String(format: " %.2f ms a frame, ×%.2f the cost at full scale, %.0f %% of decoding a frame",
                           perFrame * 1e3, perFrame / base, 100 * perFrame / decodeSecondsPerFrame))
        }
    }

    /// Slow detectors: decoded frames first, so only detection is timed.
    private func timeSlowDetectors() throws {
        guard hog || !onnx.isEmpty else { return }
        let clock = ContinuousClock()
        var sample: [Frame] = []
        let reader = try FFmpegFrameReader(source: video)
        while sample.count < slowFrames, let frame = try reader.next() { sample.append(frame) }
        reader.close()
        guard let width = sample.first?.width else { return }
        var slow: [(String, any PersonDetector)] = []
        if hog {
            for size in [640, 320] {
                slow.append(("HOG at \(size)", try HOGDetector(upscale: Double(size) / Double(width))))
            }
        }
        for entry in onnx {
            let parts = entry.split(separator: ":")
            guard parts.count == 2, let size = Int(parts[1]) else {
                throw ValidationError("--onnx: expected PATH:SIZE, got '\(entry)'")
            }
            slow.append(("ONNX \(URL(fileURLWithPath: String(parts[0])).lastPathComponent) at \(size)",
                         try ONNXDetector(modelPath: String(parts[0]), inputSize: size, decoder: YOLODecoder(family: .v8))))
        }
        for (name, detector) in slow {
            let duration = try clock.measure { for frame in sample { _ = try detector.detect(frame) } }
            let fps = Double(sample.count) / duration.inSeconds
            print(name.padding(toLength: 36, withPad: " ", startingAt: 0)
                  + String(format: "%8.1f frames/s  %6.1f ms/frame  (detection only, %d frames)", fps, 1000 / fps, sample.count))
        }
    }
}
