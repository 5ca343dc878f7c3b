import Foundation

/// The share of a live camera's frames dropped because analysis could not keep up (latest
/// frame wins), over windows of at least `window` seconds.
struct DropRateMeter: Equatable {
    let window: Double
    private var windowStart: Date
    private var analysed = 0
    private var droppedAtStart = 0

    init(start: Date, window: Double = 10) {
        self.windowStart = start
        self.window = window
    }

    /// Counts one analysed frame at `time`, with `droppedTotal` frames dropped so far; returns
    /// the share dropped (0…1) when a window completes.
    mutating func frame(at time: Date, droppedTotal: Int) -> Double? {
        analysed += 1
        guard time.timeIntervalSince(windowStart) >= window else { return nil }
        let dropped = max(0, droppedTotal - droppedAtStart)
        let share = Double(dropped) / Double(dropped + analysed)
        windowStart = time
        analysed = 0
        droppedAtStart = droppedTotal
        return share
    }
}
