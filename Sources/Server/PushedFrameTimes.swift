import Foundation
import Synchronization

/// The time of the last frame each camera pushed through this server, so that a frame not
/// after it (sent twice, or out of order) is refused as such rather than accepted and then
/// dropped by the camera's tracker, which only moves forward.
final class PushedFrameTimes: Sendable {
    private let latest = Mutex<[String: Date]>([:])

    /// The outcome of `take`.
    enum Taking: Equatable {
        /// Taken; `previous` was the camera's last frame before (to give back if delivery fails).
        case taken(previous: Date?)
        /// Refused: not after the camera's last frame, `last`.
        case stale(last: Date)
    }

    /// Takes frames from `first` to `last` for `camera` when `first` comes after its last frame.
    func take(camera: String, first: Date, last: Date) -> Taking {
        latest.withLock { latest in
            let previous = latest[camera]
            if let previous, first <= previous { return .stale(last: previous) }
            latest[camera] = last
            return .taken(previous: previous)
        }
    }

    /// Gives back frames taken whose delivery failed, unless later ones were taken since.
    func giveBack(camera: String, last: Date, previous: Date?) {
        latest.withLock { latest in
            if latest[camera] == last { latest[camera] = previous }
        }
    }

}
