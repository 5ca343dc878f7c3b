import Foundation
import Synchronization

/// What the drill measures while it runs, shared by its camera tasks.
final class DrillFigures: Sendable {
    private struct State {
        var pushLatencies: [Double] = []
        var liveLatencies: [Double] = []
        var framesAccepted = 0
        /// Frames a server had already taken (a retry of a push whose answer was lost).
        var framesTakenBefore = 0
        var framesRefused = 0
        var failedPushes = 0
        var refusals: [String: Int] = [:]
        /// The longest a camera's live state lagged behind the wall clock, per camera.
        var worstLag: [String: Double] = [:]
        /// Every reading of each camera's lag: seconds since scene time 0, and the lag.
        var lagReadings: [String: [(at: Double, lag: Double)]] = [:]
        /// Per 10 s of the drill: the worst lag of any camera, push latencies, pushes tried again.
        var windows: [Int: Window] = [:]
    }

    /// What happened in 10 seconds of the drill.
    struct Window {
        var worstLag = 0.0
        var pushLatencies: [Double] = []
        var triedAgain = 0
    }

    private let state = Mutex(State())

    /// `at`: seconds since the drill's scene time 0.
    func pushed(seconds: Double, frames: Int, outcome: DrillCamera.Outcome, at: Double) {
        state.withLock { state in
            state.pushLatencies.append(seconds)
            state.windows[Int(at / 10), default: Window()].pushLatencies.append(seconds)
            if case .tryAgain = outcome { state.windows[Int(at / 10), default: Window()].triedAgain += 1 }
            switch outcome {
            case .accepted: state.framesAccepted += frames
            case .takenBefore: state.framesTakenBefore += frames
            case .refused(let reason):
                state.framesRefused += frames
                state.refusals[reason, default: 0] += 1
            case .tryAgain: state.failedPushes += 1
            }
        }
    }

    func readLive(seconds: Double) {
        state.withLock { $0.liveLatencies.append(seconds) }
    }

    func lag(camera: String, seconds: Double, at: Double) {
        state.withLock { state in
            state.worstLag[camera] = max(state.worstLag[camera] ?? 0, seconds)
            state.lagReadings[camera, default: []].append((at, seconds))
            state.windows[Int(at / 10), default: Window()].worstLag = max(state.windows[Int(at / 10)]?.worstLag ?? 0, seconds)
        }
    }

    /// One line per 10 s: the worst camera lag, the push p99 and the pushes tried again.
    var timeline: [String] {
        state.withLock { $0.windows }.sorted { $0.key < $1.key }.map { index, window in
            String(format: "drill: t=%3d–%3ds lag_max=%5.1fs push_p99=%6.1fms tried_again=%d", index * 10, index * 10 + 10,
                   window.worstLag, Self.quantile(window.pushLatencies, 0.99) * 1000, window.triedAgain)
        }
    }

    var framesAccepted: Int { state.withLock { $0.framesAccepted } }
    var framesTakenBefore: Int { state.withLock { $0.framesTakenBefore } }
    var framesRefused: Int { state.withLock { $0.framesRefused } }
    var failedPushes: Int { state.withLock { $0.failedPushes } }
    var refusals: [String: Int] { state.withLock { $0.refusals } }
    var pushLatencies: [Double] { state.withLock { $0.pushLatencies } }
    var liveLatencies: [Double] { state.withLock { $0.liveLatencies } }
    /// Each camera's worst lag; a camera never seen live counts as lagging the whole drill.
    func worstLags(cameras: [String], whole: Double) -> [Double] {
        let lags = state.withLock { $0.worstLag }
        return cameras.map { lags[$0] ?? whole }
    }

    /// Each camera's worst lag from `from` until `until` (seconds since scene time 0), for
    /// the cameras that lagged more than `threshold` seconds then: the gap an incident caused.
    func gaps(from: Double, until: Double, threshold: Double) -> [Double] {
        state.withLock { $0.lagReadings }.values.compactMap { readings in
            let worst = readings.filter { $0.at >= from && $0.at < until }.map(\.lag).max() ?? 0
            return worst > threshold ? worst : nil
        }
    }

    /// The `fraction` quantile (0…1) of `values`, by nearest rank; 0 when there are none.
    static func quantile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(sorted.count - 1, max(0, rank))]
    }
}
