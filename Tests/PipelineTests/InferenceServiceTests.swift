import CountingCore
import Dispatch
import FootfallTestSupport
import Pipeline
import Synchronization
import Testing
import Vision

struct InferenceServiceTests {
    /// A flag set on an inference thread and read by the test.
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        func set() { value.store(true, ordering: .sequentiallyConsistent) }
        var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
    }

    /// Runs `body` with `service` running; ends the service (as a cancelled service group would) after.
    func withRunning<T: Sendable>(_ service: InferenceService, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    @Test func aWholeRoundOfWaitingJobsMeansBehindUntilItIsDone() async throws {
        let service = InferenceService(threads: 1)
        let release = DispatchSemaphore(value: 0)
        let started = Flag()
        try await withRunning(service) {
            async let first: Int = service.run {
                started.set()
                release.wait()
                return 1
            }
            try await eventually("the first job runs") { started.isSet }
            #expect(!service.isBehind, "one job running, none waiting")
            async let second: Int = service.run { 2 }
            try await eventually("the second job waits") { service.waiting == 1 }
            #expect(service.isBehind)
            release.signal()
            #expect(try await first + second == 3)
            #expect(!service.isBehind)
            #expect(service.completed == 2)
        }
    }

    @Test func aJobCancelledWhileWaitingNeverRuns() async throws {
        let service = InferenceService(threads: 1)
        let release = DispatchSemaphore(value: 0)
        let started = Flag()
        let ranLate = Flag()
        try await withRunning(service) {
            async let blocker: Void = service.run {
                started.set()
                release.wait()
            }
            try await eventually("the blocking job runs") { started.isSet }
            let waiting = Task { try await service.run { ranLate.set() } }
            try await eventually("the second job waits") { service.waiting == 1 }
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
            #expect(service.waiting == 0)
            release.signal()
            try await blocker
            // A job handed over after the cancelled one still runs: the thread was not lost.
            #expect(try await service.run { 7 } == 7)
            #expect(!ranLate.isSet)
        }
    }

    @Test func jobsQueuedBeforeShutdownStillRunAndLaterOnesAreRefused() async throws {
        let service = InferenceService(threads: 2)
        // Handed over before the service runs: they wait for it.
        async let early = service.run { 40 + 2 }
        let running = Task { try await service.run() }
        #expect(try await early == 42)
        running.cancel()
        try await running.value
        await #expect(throws: CancellationError.self) { try await service.run { 1 } }
    }

    @Test func detectionsThroughTheServiceEqualDetectionsInline() async throws {
        let service = InferenceService(threads: 2)
        let frames = (0..<12).map { index in Self.frame(index: index) }
        let inline = try MotionDetectorHarness()
        let expected = try frames.map { try inline.detector.detect($0) }
        let shared = try MotionDetectorHarness()
        var analyzer = FrameAnalyzer(detector: shared.detector, geometry: Geometry())
        var inlineAnalyzer = FrameAnalyzer(detector: try MotionDetectorHarness().detector, geometry: Geometry())
        try await withRunning(service) {
            for (index, frame) in frames.enumerated() {
                let events = try await analyzer.analyze(frame, on: service)
                #expect(events == (try inlineAnalyzer.analyze(frame)))
                #expect(analyzer.lastDetection.detections == expected[index].count, "frame \(index)")
                #expect(analyzer.lastDetection.detections == inlineAnalyzer.lastDetection.detections, "frame \(index)")
            }
        }
        #expect(expected.contains { !$0.isEmpty }, "the moving box is seen")
        #expect(analyzer.engine.tracks.count == inlineAnalyzer.engine.tracks.count)
    }

    /// A light 160×120 frame with a dark 12×24 box moving right by 6 pixels a frame.
    static func frame(index: Int) -> Frame {
        let width = 160, height = 120
        var pixels = [UInt8](repeating: 235, count: width * height * 3)
        let left = 10 + index * 6
        for y in 50..<74 {
            for x in left..<min(width, left + 12) {
                let offset = (y * width + x) * 3
                pixels[offset] = 30
                pixels[offset + 1] = 30
                pixels[offset + 2] = 30
            }
        }
        return Frame(width: width, height: height, pixels: pixels, index: index, time: Double(index) / 10)
    }
}

/// A motion detector that sees small boxes (the default ignores boxes this small).
struct MotionDetectorHarness {
    let detector: MotionDetector

    init() throws {
        var configuration = MotionDetectorConfiguration()
        configuration.minimumArea = 50
        detector = try MotionDetector(configuration: configuration)
    }
}
