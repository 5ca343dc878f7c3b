import Foundation

/// Analysed frames per second, averaged over windows of at least `window` seconds of stream time.
struct FrameRateMeter: Equatable {
    let window: Double
    private var windowStart: Date
    private var frames = 0
    /// The rate over the last complete window; 0 until one is complete.
    private(set) var framesPerSecond: Double = 0

    init(start: Date, window: Double = 2) {
        self.windowStart = start
        self.window = window
    }

    /// Counts one frame analysed at `time`; returns the new rate when a window completes.
    mutating func frame(at time: Date) -> Double? {
        frames += 1
        let elapsed = time.timeIntervalSince(windowStart)
        guard elapsed >= window else { return nil }
        framesPerSecond = Double(frames) / elapsed
        windowStart = time
        frames = 0
        return framesPerSecond
    }
}
