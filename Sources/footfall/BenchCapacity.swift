import ArgumentParser
import CountingCore
import FootfallApp
import FootfallSupport
import Foundation
import Pipeline
import Synchronization
import Vision
#if canImport(Glibc)
import Glibc
#endif

struct BenchCapacity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Cameras this process carries: N copies of a 25 frames/s video played in real time, one frame in five analysed.",
        discussion: """
            Makes a 25 frames/s H.264 copy of VIDEO (every frame kept, played 2.5× faster for \
            the 10 frames/s demo video), then for each --cameras count plays that many copies in \
            real time and in a loop, each on its own thread: every frame decoded (--decoder), one \
            in five analysed by the motion detector (--motion-background, --motion-scale; \
            several decoders or scales take turns at each count in the same run), tracked and counted with the demo geometry (in \
            process, the other four are decoded but not converted, as in a camera pipeline). \
            A camera keeps up when it decodes at least 99 % of its frames in --seconds. Prints, \
            per count, the share of frames decoded, the CPU time and memory per camera, and the \
            largest count that kept up; with several decoders or scales, each one's CPU per \
            camera against the first's. Memory per camera is the growth of the resident set, so it \
            reads low once earlier counts have grown it. Pin it to one core (`taskset -c 0`) \
            to measure a core.
            """)

    @Argument(help: "Video file.")
    var video = "footfall-data/samples/vtest.avi"

    @Option(help: "Geometry file for counting.")
    var lines = "Fixtures/vtest-geometry.json"

    @Option(parsing: .upToNextOption, help: "Camera counts to try, in order (stops after the first that falls behind).")
    var cameras: [Int] = [10, 20, 30, 40, 50, 60]

    @Option(help: "Seconds each count runs, after 3 s to settle.")
    var seconds = 15.0

    @Option(name: .customLong("decoder"), parsing: .upToNextOption,
            help: "Decoders to measure, taking turns at each count: in-process, in-process-fast (frames not analysed are not deblocked), ffmpeg (its subprocesses' CPU and memory are not counted, so alone only).")
    var decoders: [FrameDecoder] = [.inProcess]

    @Option(help: "B-frames between reference frames in the H.264 copy (0, as most cameras send; 3 is x264's default).")
    var bFrames = 0

    @Option(help: "The motion detector's background model: mixture (MOG2) or gaussian (one per pixel).")
    var motionBackground = MotionDetectorConfiguration().background

    @Option(name: .customLong("motion-scale"), parsing: .upToNextOption,
            help: "Scales the motion detector works at, taking turns with the decoders at each count.")
    var motionScales: [Double] = [MotionDetectorConfiguration().scale]

    func validate() throws {
        guard !cameras.isEmpty, cameras.allSatisfy({ $0 >= 1 && $0 <= 2_000 }), seconds >= 1 else {
            throw ValidationError("--cameras: counts from 1 to 2000; --seconds: at least 1")
        }
        guard (0...16).contains(bFrames) else { throw ValidationError("--b-frames: from 0 to 16") }
        guard !decoders.isEmpty, Set(decoders).count == decoders.count else {
            throw ValidationError("--decoder: name one or more decoders, each once")
        }
        guard !motionScales.isEmpty, Set(motionScales).count == motionScales.count, motionScales.allSatisfy({ $0 > 0 && $0 <= 1 }) else {
            throw ValidationError("--motion-scale: one or more scales above 0 and at most 1, each once")
        }
        // The CPU and memory measured are this process's: an ffmpeg subprocess's are not, so
        // beside another decoder it would look far cheaper than it is.
        guard decoders.count == 1 || !decoders.contains(.ffmpeg) else {
            throw ValidationError("--decoder: ffmpeg's subprocesses are not counted, so measure it alone")
        }
    }

    func run() throws {
        OpenCVThreads.set(1)
        let clip = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-capacity-\(UUID().uuidString).mp4").path
        defer { try? FileManager.default.removeItem(atPath: clip) }
        try Self.makeClip(from: video, to: clip, bFrames: bFrames)
        let geometry = try GeometryFile.load(path: lines)
        print("CPUs this process may run on: \(Self.allowedCPUs()); B-frames: \(bFrames)")
        // Decoders (and motion scales) take turns at each count, so that the machine's drift in
        // speed falls on all of them alike; one that falls behind drops out.
        let variants = decoders.flatMap { decoder in motionScales.map { (decoder: decoder, scale: $0) } }
        let names = variants.map { motionScales.count == 1 ? $0.decoder.rawValue : "\($0.decoder.rawValue), scale \($0.scale)" }
        let width = max(15, names.map(\.count).max() ?? 0)
        print("motion detector: \(motionBackground.rawValue) background, scale " + motionScales.map { "\($0)" }.joined(separator: " and "))
        print("cameras  " + (motionScales.count == 1 ? "decoder" : "variant").padding(toLength: width, withPad: " ", startingAt: 0)
              + "  decoded  CPU per camera  memory per camera")
        var kept = [Int?](repeating: nil, count: variants.count)
        var cpu = [[Double]](repeating: [], count: variants.count)
        var running = Array(variants.indices)
        for count in cameras where !running.isEmpty {
            for i in running {
                let result = try Self.measure(cameras: count, clip: clip, geometry: geometry, decoder: variants[i].decoder, seconds: seconds,
                                              motion: MotionDetectorConfiguration(scale: variants[i].scale, background: motionBackground))
                print(String(format: "%7d  ", count) + names[i].padding(toLength: width, withPad: " ", startingAt: 0)
                      + String(format: "  %6.1f %%  %9.1f %%  %12.1f MiB", result.decodedShare * 100, result.cpuShare * 100,
                               result.memoryPerCamera / 1_048_576))
                if result.decodedShare >= 0.99 {
                    kept[i] = count
                    cpu[i].append(result.cpuShare)
                } else {
                    running.removeAll { $0 == i }
                }
            }
        }
        for i in variants.indices {
            print("\(names[i]): " + (kept[i].map { "kept up with \($0) cameras at 25 frames/s, 5 analysed" } ?? "fell behind at the first count"))
        }
        // Against the first: CPU per camera over the counts both kept up with (the same counts,
        // tried in the same order).
        for i in variants.indices.dropFirst() {
            let shared = min(cpu[0].count, cpu[i].count)
            guard shared > 0 else {
                print("\(names[i]) against \(names[0]): no count both kept up with")
                continue
            }
            let ratio = cpu[i].prefix(shared).reduce(0, +) / cpu[0].prefix(shared).reduce(0, +)
            print("\(names[i]) against \(names[0]): CPU per camera ×" + String(format: "%.2f", ratio)
                  + " over the \(shared) counts both kept up with")
        }
    }

    /// A 25 frames/s H.264 copy with every frame of `video`, as a camera would send, with
    /// `bFrames` B-frames between reference frames.
    static func makeClip(from video: String, to clip: String, bFrames: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-v", "error", "-y", "-i", video, "-an", "-vf", "setpts=N/25/TB", "-r", "25",
                             "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-bf", "\(bFrames)", "-pix_fmt", "yuv420p", clip]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("ffmpeg could not make the 25 frames/s copy of \(video)") }
    }

    struct Result {
        var decodedShare: Double
        var cpuShare: Double
        var memoryPerCamera: Double
    }

    /// What the camera threads share: frames decoded per camera, the stop flag, failures.
    final class Tally: Sendable {
        let decoded: Mutex<[Int]>
        let stop = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])

        init(cameras: Int) { decoded = Mutex(Array(repeating: 0, count: cameras)) }
    }

    static func measure(cameras: Int, clip: String, geometry: Geometry, decoder: FrameDecoder, seconds: Double,
                        motion: MotionDetectorConfiguration = .init()) throws -> Result {
        let tally = Tally(cameras: cameras)
        let finished = DispatchGroup()
        let memoryBefore = BenchSoak.residentBytes()
        for camera in 0..<cameras {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                do {
                    // As a camera pipeline opens it: in process, frames not analysed are not converted.
                    let reader = try decoder.open(source: clip, realTime: true, loop: true, keepRate: 5)
                    defer { reader.close() }
                    var analyzer = FrameAnalyzer(
                        detector: try MotionDetector(configuration: motion),
                        geometry: geometry)
                    var lastAnalysed = -Double.infinity
                    while !tally.stop.load(ordering: .relaxed), let frame = try reader.next() {
                        if frame.time >= lastAnalysed + 0.2 - 1e-6 {
                            _ = try analyzer.analyze(frame)
                            lastAnalysed = frame.time
                        }
                        // Frames decoded so far, handed on or not.
                        tally.decoded.withLock { $0[camera] = frame.index + 1 }
                    }
                } catch {
                    tally.failures.withLock { $0.append("\(error)") }
                }
            }
            thread.start()
        }
        Thread.sleep(forTimeInterval: 3)
        let start = tally.decoded.withLock { $0 }
        let cpuStart = cpuSeconds()
        Thread.sleep(forTimeInterval: seconds)
        let end = tally.decoded.withLock { $0 }
        let cpu = cpuSeconds() - cpuStart
        let memory = BenchSoak.residentBytes()
        tally.stop.store(true, ordering: .relaxed)
        finished.wait()
        if let failure = tally.failures.withLock({ $0.first }) { throw ValidationError("a camera failed: \(failure)") }
        let frames = zip(start, end).reduce(0) { $0 + $1.1 - $1.0 }
        return Result(decodedShare: Double(frames) / (25 * seconds * Double(cameras)),
                      cpuShare: cpu / (seconds * Double(cameras)),
                      memoryPerCamera: Double(max(0, memory - memoryBefore)) / Double(cameras))
    }

    /// The CPUs the scheduler lets this process use (`taskset`), from /proc/self/status.
    static func allowedCPUs() -> String {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
        return line.map { $0.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }

    /// User and system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
