import Foundation
import Synchronization

/// The time of the last frame each camera pushed through this server, so that a frame not
/// after it (sent twice, or out of order) is refused as such rather than accepted and then
/// dropped by the camera's tracker, which only moves forward.
final class PushedFrameTimes: Sendable {
    private let latest = Mutex<[String: Date]>([:])

    /// Takes frames from `first` to `last` for `camera` when `first` comes after its last
    /// frame; returns the last frame's time otherwise (nothing changed).
    func take(camera: String, first: Date, last: Date) -> Date? {
        latest.withLock { latest in
            if let previous = latest[camera], first <= previous { return previous }
            latest[camera] = last
            return nil
        }
    }

    /// Gives back frames taken whose delivery failed, unless later ones were taken since.
    func giveBack(camera: String, last: Date, previous: Date?) {
        latest.withLock { latest in
            if latest[camera] == last { latest[camera] = previous }
        }
    }

    /// The last frame taken for `camera`.
    func last(camera: String) -> Date? {
        latest.withLock { $0[camera] }
    }
}
