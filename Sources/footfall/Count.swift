import ArgumentParser
import Foundation
import FootfallApp
import Pipeline
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

    @Option(help: "Person detector. Only 'motion' (weight-free background subtraction) is available here.")
    var detector = "motion"

    @Flag(help: "Print exactly one JSON object on stdout instead of a table.")
    var json = false

    func validate() throws {
        guard detector == "motion" else {
            throw ValidationError("unknown detector '\(detector)': use motion")
        }
    }

    func run() throws {
        let geometry = try GeometryFile.load(path: lines)
        let showProgress = isatty(STDERR_FILENO) == 1
        let summary = try VideoCounter().count(video: video, geometry: geometry) { done, total in
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
