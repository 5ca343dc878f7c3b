import ArgumentParser
import CountingCore
import Foundation
import Evaluation
import FootfallApp
import Pipeline
import Vision
#if canImport(Glibc)
import Glibc
#endif

struct Count: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count people crossing lines and inside zones in a video file, offline.",
        discussion: """
            Decodes VIDEO as fast as possible, detects and tracks people, and prints the counts of \
            every line and zone in the geometry file. Geometry file format:
              {"lines":[{"name":"door","a":[x,y],"b":[x,y]}],
               "zones":[{"name":"lobby","polygon":[[x,y],[x,y],[x,y]]}]}
            in pixels of the source frame. A person moving from side -1 to side +1 of line A→B \
            across the drawn segment counts "in"; the other way counts "out" (docs/counting.md).
            The detector is the trained ssd model when it is installed in the data directory \
            (`footfall models install ssdlite`), motion otherwise; --detector chooses.
            """)

    @Argument(help: "Video file (any format ffmpeg reads).")
    var video: String

    @Option(help: "Geometry file with the lines and zones to count.")
    var lines: String

    @Option(help: "Person detector: ssd (the trained model), motion (weight-free background subtraction), hog (OpenCV's people detector), onnx (a YOLO model, with --model). Default: ssd when installed, else motion.")
    var detector: DetectorKind?

    @OptionGroup var dataDirectory: DataDirectoryOption

    @Option(help: "Installed ssd model directory (default: <data-dir>/models/ssdlite).")
    var modelDir: String?

    @Option(help: "How the ssd detector sees a frame: regions (tiles at native scale where it matters), native (the whole frame at its size), or WxH (the whole frame resized, e.g. 300x300).")
    var ssdInput = "regions"

    @Option(help: "ssd: lowest score kept.")
    var scoreThreshold: Double?

    @Option(help: "ssd: a box's height may be MIN to MAX times the expected person height (needs --person-size), e.g. 0.5:1.6.")
    var sizeLimits: String?

    @Option(help: "ssd regions: padding around lines, zones and motion, in person heights.")
    var padding: Double?

    @Option(help: "ssd regions: frames between two looks at the whole lines' bands and zones' boxes.")
    var refreshInterval: Int?

    @Option(help: "How the video is decoded: in-process (libavcodec in this process), in-process-fast (the same, frames not analysed are not deblocked) or ffmpeg (a subprocess and a pipe).")
    var decoder = FrameDecoder.inProcess

    @Option(help: "motion: scale of the frame the background is modelled on (0 < s ≤ 1).")
    var motionScale: Double?

    @Flag(inversion: .prefixedNo, help: "motion: model the background in grey instead of colour.")
    var motionGrey = MotionDetectorConfiguration().grey

    @Option(help: "motion: background model, mixture (MOG2) or gaussian (one per pixel, cheaper).")
    var motionBackground = MotionDetectorConfiguration().background

    @Option(help: "motion: squared distance from the background, in variances, beyond which a pixel moves.")
    var motionVarianceThreshold = MotionDetectorConfiguration().varianceThreshold

    @Option(help: "YOLO ONNX model file, for --detector onnx.")
    var model: String?

    @Option(help: "Square input size of the ONNX model.")
    var inputSize = 640

    @Option(help: "YOLO family of the ONNX model: v5, v8 or v11.")
    var family = "v8"

    @Option(help: "Frame scale before HOG detection (people under 128 pixels need more than 1).")
    var hogUpscale = 1.5

    @Flag(help: "Run the hog or onnx detector only on frames where something moves.")
    var motionGate = false

    @Option(help: "Expected person size: FAR_Y:WxH,NEAR_Y:WxH (feet row, box size), e.g. 150:20x55,365:37x100. Splits motion blobs; limits ssd boxes and pads its regions.")
    var personSize: String?

    @Option(help: "Counts made by eye (Fixtures/vtest-eye-counts.json): count their lines and zones too, and print the error.")
    var truth: String?

    @Option(help: "With --truth: also give the errors before and from this frame (crossings and zone samples by frame), to tune on one part and report on the other.")
    var splitFrame: Int?

    @Option(help: "Tracker: confidence a detection needs to be matched first and to start a track, HIGH:NEW (default: 0.3:0.4 with ssd, 0.6:0.7 otherwise).")
    var trackConfidence: String?

    @Flag(inversion: .prefixedNo, help: "Give people near lines and zones a colour signature that helps the tracker tell them apart after a short loss.")
    var appearance = true

    @Option(help: "Appearance: least similarity (0-1) of a lost person and a detection for a match by distance, and for linking two track fragments.")
    var appearanceGate: Double?

    @Option(help: "Appearance: least similarity (0-1) to re-identify a lost person further away.")
    var appearanceMatch: Double?

    @Option(help: "Appearance: how far, in box heights, a lost person may be re-identified (0: off).")
    var appearanceReach: Double?

    @Option(help: "Appearance: least share (0-1) of coloured pixels for a re-identification.")
    var appearanceColour: Double?

    @OptionGroup var doubleCount: DoubleCountOptions

    @Option(help: "Stop before this frame (0-based; tune on the first part of a video without running the rest).")
    var maxFrames: Int?

    @Option(help: "Frames analysed a second, as a camera's analysis rate (default: every frame; at least one a second; in-process decoders). The others are decoded but not analysed.")
    var analysisRate: Double?

    @Option(help: "OpenCV threads (0: OpenCV's choice).")
    var threads = 0

    @Option(help: "Seconds a person inside a zone still counts toward its occupancy after they were last seen (0: until their track ends). [default: 0.5 with detectors that see people standing still (ssd, hog, onnx, without --motion-gate), else 0]")
    var zonePresence: Double?

    @Flag(help: "Also list every crossing with its frame (on stderr).")
    var listCrossings = false

    @Flag(help: "Print exactly one JSON object on stdout instead of a table.")
    var json = false

    func validate() throws {
        if detector == .onnx && model == nil { throw ValidationError("--detector onnx needs --model FILE.onnx") }
        guard YOLODecoder.Family(rawValue: family) != nil else { throw ValidationError("--family: use v5, v8 or v11") }
        if let personSize, PersonSize(personSize) == nil {
            throw ValidationError("--person-size: expected FAR_Y:WxH,NEAR_Y:WxH, e.g. 150:20x55,365:37x100")
        }
        if ssdMode == nil { throw ValidationError("--ssd-input: use regions, native or WxH such as 300x300") }
        if let motionScale, !(motionScale > 0 && motionScale <= 1) {
            throw ValidationError("--motion-scale: a scale above 0 and at most 1")
        }
        do throws(PipelineError) {
            try VideoCounter.check(analysisRate: analysisRate, decoder: decoder)
        } catch .invalidSetting(_, let reason) {
            throw ValidationError("--analysis-rate: \(reason)")
        } catch {
            throw ValidationError("--analysis-rate: \(error)")
        }
        guard motionVarianceThreshold > 0, motionVarianceThreshold.isFinite else {
            throw ValidationError("--motion-variance-threshold: a number above 0")
        }
        for (name, value) in [("--appearance-gate", appearanceGate), ("--appearance-match", appearanceMatch),
                              ("--appearance-colour", appearanceColour)] {
            if let value, !(0...1).contains(value) { throw ValidationError("\(name): a similarity from 0 to 1") }
        }
        if let appearanceReach, !(appearanceReach >= 0 && appearanceReach.isFinite) {
            throw ValidationError("--appearance-reach: box heights, 0 or more")
        }
        if let sizeLimits, parsedSizeLimits == nil { throw ValidationError("--size-limits: expected MIN:MAX such as 0.5:1.6, not '\(sizeLimits)'") }
        if let zonePresence, !(zonePresence >= 0 && zonePresence.isFinite) {
            throw ValidationError("--zone-presence: seconds, 0 or more")
        }
        if let scoreThreshold, !(scoreThreshold > 0 && scoreThreshold < 1) {
            throw ValidationError("--score-threshold must be between 0 and 1")
        }
    }

    var ssdMode: SSDDetectorConfiguration.Mode? {
        switch ssdInput {
        case "regions": return .regions
        case "native": return .native
        default:
            let parts = ssdInput.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts.allSatisfy({ $0 >= 32 }) else { return nil }
            return .resized(width: parts[0], height: parts[1])
        }
    }

    var parsedSizeLimits: (Double, Double)? {
        guard let sizeLimits else { return nil }
        let parts = sizeLimits.split(separator: ":").compactMap { Double($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > parts[0] else { return nil }
        return (parts[0], parts[1])
    }

    /// The detector to count with, and a line saying which and why.
    func specification(geometry: Geometry) throws -> (DetectorSpecification, String) {
        let size = personSize.flatMap(PersonSize.init)
        let modelDirectory = try modelDir ?? InstallableModel.ssdlite.directory(dataDirectory: dataDirectory.path())
        let base: DetectorSpecification
        let reason: String
        switch detector {
        case .hog: (base, reason) = (.hog(upscale: hogUpscale), "chosen")
        case .onnx:
            (base, reason) = (.onnx(modelPath: model ?? "", inputSize: inputSize, family: YOLODecoder.Family(rawValue: family) ?? .v8,
                                   confidenceThreshold: 0.25), "chosen")
        case .motion: (base, reason) = (.motion(motionConfiguration(personSize: size)), "chosen")
        case .ssd: (base, reason) = (.ssd(ssdConfiguration(modelDirectory: modelDirectory, personSize: size)), "chosen")
        case nil:
            if SSDModel.isInstalled(directory: modelDirectory) {
                (base, reason) = (.ssd(ssdConfiguration(modelDirectory: modelDirectory, personSize: size)), "the trained model is installed")
            } else {
                (base, reason) = (.motion(motionConfiguration(personSize: size)),
                                  "no trained model in \(modelDirectory); `footfall models install ssdlite` installs one")
            }
        }
        let chosen = (motionGate && (detector == .hog || detector == .onnx) ? .motionGated(base) : base).placing(geometry)
        return (chosen, "detector: \(chosen.summary) — \(reason)")
    }

    private func motionConfiguration(personSize: PersonSize?) -> MotionDetectorConfiguration {
        var configuration = MotionDetectorConfiguration(varianceThreshold: motionVarianceThreshold, grey: motionGrey,
                                                        personSize: personSize, background: motionBackground)
        if let motionScale { configuration.scale = motionScale }
        return configuration
    }

    private func ssdConfiguration(modelDirectory: String, personSize: PersonSize?) -> SSDDetectorConfiguration {
        var configuration = SSDDetectorConfiguration(modelDirectory: modelDirectory, mode: ssdMode ?? .regions, personSize: personSize)
        if let scoreThreshold { configuration.scoreThreshold = scoreThreshold }
        if let limits = parsedSizeLimits {
            configuration.minimumSizeRatio = limits.0
            configuration.maximumSizeRatio = limits.1
        }
        if let padding { configuration.padding = padding }
        if let refreshInterval { configuration.refreshInterval = refreshInterval }
        return configuration
    }

    func run() throws {
        if threads > 0 { OpenCVThreads.set(threads) }
        var geometry = try GeometryFile.load(path: lines)
        let manual = try truth.map(ManualCountsFile.load)
        if let manual {
            // Count the lines counted by eye as well, if the geometry file does not have them.
            for line in manual.geometry.lines where !geometry.lines.contains(where: { $0.name == line.name }) {
                geometry.lines.append(line)
            }
        }
        let (specification, choice) = try specification(geometry: geometry)
        FileHandle.standardError.write(Data((choice + "\n").utf8))
        let showProgress = isatty(STDERR_FILENO) == 1
        var counting = specification.recommendedCounting
        if let trackConfidence {
            let parts = trackConfidence.split(separator: ":").compactMap { Double($0) }
            guard parts.count == 2 else { throw ValidationError("--track-confidence: expected HIGH:NEW such as 0.6:0.7") }
            counting.tracker.highConfidence = parts[0]
            counting.tracker.newTrackConfidence = parts[1]
        }
        counting.usesAppearance = appearance
        if let appearanceGate { counting.tracker.appearanceGate = appearanceGate }
        if let appearanceMatch { counting.tracker.appearanceMatch = appearanceMatch }
        if let appearanceReach { counting.tracker.appearanceRecoveryDistance = appearanceReach }
        if let appearanceColour { counting.tracker.appearanceMinimumColour = appearanceColour }
        doubleCount.apply(to: &counting)
        if let zonePresence { counting.zonePresenceSeconds = zonePresence }
        let counter = VideoCounter(detector: specification, counting: counting, decoder: decoder, analysisRate: analysisRate)
        let run = try counter.run(video: video, geometry: geometry, sampleFrames: manual?.sampleFrames ?? [],
                                  maxFrames: maxFrames) { done, total in
            guard showProgress else { return }
            ProgressBar.draw(done: done, total: total)
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let summary = run.summary
        if listCrossings {
            for (frame, crossing) in run.crossings {
                FileHandle.standardError.write(Data((crossing.listed(frame: frame) + "\n").utf8))
            }
        }
        if json {
            print(summary.jsonLine())
        } else {
            print("\(summary.frames) frames in \(String(format: "%.2f", summary.seconds)) s (\(String(format: "%.1f", summary.fps)) frames/s)")
            for line in summary.lines {
                print("line \(line.name): in \(line.countIn), out \(line.countOut)")
            }
            for zone in summary.zones {
                print("zone \(zone.name): peak \(zone.peak), mean \(String(format: "%.2f", zone.mean))")
            }
        }
        guard let manual else { return }
        // On stderr with --json, so stdout stays one JSON object.
        let report = { (text: String) in
            if json { FileHandle.standardError.write(Data((text + "\n").utf8)) } else { print(text) }
        }
        let comparison = manual.compare(
            lines: Dictionary(uniqueKeysWithValues: summary.lines.map { ($0.name, ($0.countIn, $0.countOut)) }),
            zones: Dictionary(uniqueKeysWithValues: summary.zones.map { zone in
                (zone.name, Dictionary(uniqueKeysWithValues: zone.samples.map { ($0.frame, $0.occupancy) }))
            }))
        for line in comparison.lines {
            report("by eye, line \(line.name): in \(line.manualIn) (counted \(line.automaticIn)), out \(line.manualOut) (counted \(line.automaticOut))")
        }
        for sample in comparison.zoneSamples {
            report("by eye, zone \(sample.zone) at frame \(sample.frame): \(sample.manual) (counted \(sample.automatic))")
        }
        report(String(format: "line count error %.1f %%, zone occupancy mean absolute error %.2f people",
                      comparison.lineError * 100, comparison.occupancyMeanAbsoluteError))
        if let splitFrame {
            for (name, frames) in [("frames < \(splitFrame)", 0..<splitFrame), ("frames ≥ \(splitFrame)", splitFrame..<Int.max)] {
                let part = PartComparison(run, manual: manual, frames: frames)
                for detail in part.details { report("  \(name), by eye, \(detail)") }
                report("\(name): line count error " + String(format: "%.1f %%", part.lineError * 100)
                       + " (\(part.linesOff) off of \(part.manualCrossings) crossings), zone occupancy mean absolute error "
                       + String(format: "%.2f", part.occupancyError) + " people (\(part.samples) samples)")
            }
        }
    }
}
