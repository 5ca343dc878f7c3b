import ArgumentParser
import CountingCore
import Evaluation
import FootfallSupport
import Foundation

struct BenchSoak: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Run the engine on a long synthetic stream and print memory as it goes.",
        discussion: """
            People walk across a 1920×1080 view through a counting line, `--people` at a time, for \
            `--hours` of stream time. Every simulated hour it prints the process's resident memory, \
            the track states the engine holds, and the counts against the true number of crossings. \
            The baseline is the resident memory after the first simulated hour.
            """)

    @Option(help: "Hours of stream time.")
    var hours = 24.0

    @Option(help: "Frames per second of the stream.")
    var fps = 25.0

    @Option(help: "People in view at any time.")
    var people = 20

    func validate() throws {
        guard hours > 0, hours <= 24 * 366, fps > 0, fps <= 1000, people >= 1, people <= 10_000 else {
            throw ValidationError("--hours (0–8784], --fps (0–1000] and --people [1–10000] must be in range")
        }
    }

    func run() throws {
        var crowd = SyntheticCrowd(people: people, frameRate: fps)
        var engine = CountingEngine(geometry: Geometry(lines: [SyntheticCrowd.middleLine]))
        let framesPerHour = Int(3600 * fps)
        let clock = ContinuousClock()
        let started = clock.now
        var baseline: Int?
        print("hour   resident MiB  (×hour 1)  track states  counted in/out  truth in/out")
        for hour in 1...max(1, Int(hours.rounded(.up))) {
            for frame in 0..<framesPerHour {
                let time = Double((hour - 1) * framesPerHour + frame) / fps
                _ = engine.step(detections: crowd.nextFrame(), time: time)
            }
            let resident = Self.residentBytes()
            if baseline == nil { baseline = resident }
            let counter = engine.lineCounters[0]
            // The line's +1 side is on the left of A→B (downwards): right-to-left walkers count "in".
            print(String(format: "%4d %14.1f %10.3f %13d %9d/%-6d %7d/%d", hour, Double(resident) / 1_048_576,
                         Double(resident) / Double(max(1, baseline!)), engine.retainedTrackStates,
                         counter.totalIn, counter.totalOut, crowd.crossedRightToLeft, crowd.crossedLeftToRight))
        }
        let elapsed = started.duration(to: clock.now)
        let seconds = elapsed.inSeconds
        print(String(format: "%.0f frames in %.1f s: %.0f frames/s", hours * 3600 * fps, seconds, hours * 3600 * fps / seconds))
    }

    /// Resident set size from /proc/self/statm (Linux).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
