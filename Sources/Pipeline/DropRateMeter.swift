import Foundation

/// The share of a live camera's frames not analysed because analysis could not keep up (the
/// queue's latest frame won, or the inference service was behind and the camera fell back to
/// its minimum rate), over windows of at least `window` seconds.
struct DropRateMeter: Equatable {
    /// One completed window.
    struct Window: Equatable {
        /// Frames dropped or shed, as a share (0…1) of the frames decoded for analysis.
        var share: Double
        /// Some frames were shed for load: the camera ran at its minimum analysis rate.
        var reducedRate: Bool
    }

    let window: Double
    private var windowStart: Date
    private var analysed = 0
    private var droppedAtStart = 0
    private var shedAtStart = 0

    init(start: Date, window: Double = 10) {
        self.windowStart = start
        self.window = window
    }

    /// Counts one analysed frame at `time`, with `droppedTotal` frames dropped by the queue and
    /// `shedTotal` shed for load so far; returns the window when one completes.
    mutating func frame(at time: Date, droppedTotal: Int, shedTotal: Int = 0) -> Window? {
        analysed += 1
        guard time.timeIntervalSince(windowStart) >= window else { return nil }
        let shed = max(0, shedTotal - shedAtStart)
        let dropped = max(0, droppedTotal - droppedAtStart) + shed
        let share = Double(dropped) / Double(dropped + analysed)
        windowStart = time
        analysed = 0
        droppedAtStart = droppedTotal
        shedAtStart = shedTotal
        return Window(share: share, reducedRate: shed > 0)
    }
}
