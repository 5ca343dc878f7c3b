import ArgumentParser
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
            """)

    @Argument(help: "Video file (any format ffmpeg reads).")
    var video: String

    @Option(help: "Geometry file with the lines and zones to count.")
    var lines: String

    @Option(help: "Person detector: motion (weight-free background subtraction), hog (OpenCV's people detector), onnx (a YOLO model, with --model).")
    var detector = "motion"

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

    @Option(help: "Expected person size for splitting motion blobs: FAR_Y:WxH,NEAR_Y:WxH (feet row, box size), e.g. 150:20x55,365:37x100.")
    var personSize: String?

    @Option(help: "Counts made by eye (Fixtures/vtest-eye-counts.json): count their lines and zones too, and print the error.")
    var truth: String?

    @Flag(help: "Print exactly one JSON object on stdout instead of a table.")
    var json = false

    func validate() throws {
        guard ["motion", "hog", "onnx"].contains(detector) else {
            throw ValidationError("unknown detector '\(detector)': use motion, hog or onnx")
        }
        if detector == "onnx" && model == nil { throw ValidationError("--detector onnx needs --model FILE.onnx") }
        guard YOLODecoder.Family(rawValue: family) != nil else { throw ValidationError("--family: use v5, v8 or v11") }
        if let personSize, PersonSize(personSize) == nil {
            throw ValidationError("--person-size: expected FAR_Y:WxH,NEAR_Y:WxH, e.g. 150:20x55,365:37x100")
        }
    }

    var specification: DetectorSpecification {
        let base = baseSpecification
        return motionGate && detector != "motion" ? .motionGated(base) : base
    }

    private var baseSpecification: DetectorSpecification {
        switch detector {
        case "hog": .hog(upscale: hogUpscale)
        case "onnx": .onnx(modelPath: model ?? "", inputSize: inputSize, family: YOLODecoder.Family(rawValue: family) ?? .v8,
                           confidenceThreshold: 0.25)
        default: .motion(.init(personSize: personSize.flatMap(PersonSize.init)))
        }
    }

    func run() throws {
        var geometry = try GeometryFile.load(path: lines)
        let manual = try truth.map(ManualCountsFile.load)
        if let manual {
            // Count the lines counted by eye as well, if the geometry file does not have them.
            for line in manual.geometry.lines where !geometry.lines.contains(where: { $0.name == line.name }) {
                geometry.lines.append(line)
            }
        }
        let showProgress = isatty(STDERR_FILENO) == 1
        let summary = try VideoCounter(detector: specification).count(
            video: video, geometry: geometry, sampleFrames: manual?.sampleFrames ?? []
        ) { done, total in
            guard showProgress else { return }
            ProgressBar.draw(done: done, total: total)
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
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
        if let manual {
            let comparison = manual.compare(
                lines: Dictionary(uniqueKeysWithValues: summary.lines.map { ($0.name, ($0.countIn, $0.countOut)) }),
                zones: Dictionary(uniqueKeysWithValues: summary.zones.map { zone in
                    (zone.name, Dictionary(uniqueKeysWithValues: zone.samples.map { ($0.frame, $0.occupancy) }))
                }))
            // On stderr with --json, so stdout stays one JSON object.
            let report = { (text: String) in
                if json { FileHandle.standardError.write(Data((text + "\n").utf8)) } else { print(text) }
            }
            for line in comparison.lines {
                report("by eye, line \(line.name): in \(line.manualIn) (counted \(line.automaticIn)), out \(line.manualOut) (counted \(line.automaticOut))")
            }
            for sample in comparison.zoneSamples {
                report("by eye, zone \(sample.zone) at frame \(sample.frame): \(sample.manual) (counted \(sample.automatic))")
            }
            report(String(format: "line count error %.1f %%, zone occupancy mean absolute error %.2f people",
                          comparison.lineError * 100, comparison.occupancyMeanAbsoluteError))
        }
    }
}
