import ArgumentParser
import Foundation
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

    @Flag(help: "Print exactly one JSON object on stdout instead of a table.")
    var json = false

    func validate() throws {
        guard ["motion", "hog", "onnx"].contains(detector) else {
            throw ValidationError("unknown detector '\(detector)': use motion, hog or onnx")
        }
        if detector == "onnx" && model == nil { throw ValidationError("--detector onnx needs --model FILE.onnx") }
        guard YOLODecoder.Family(rawValue: family) != nil else { throw ValidationError("--family: use v5, v8 or v11") }
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
        default: .motion(.init())
        }
    }

    func run() throws {
        let geometry = try GeometryFile.load(path: lines)
        let showProgress = isatty(STDERR_FILENO) == 1
        let summary = try VideoCounter(detector: specification).count(video: video, geometry: geometry) { done, total in
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
    }
}
