import FootfallSupport
import Foundation
import Synchronization

/// The embedded lease table: one process, so leases only guard against its own mistakes.
///
/// Leases expire by `clock`, so tests can move time by hand.
public final class InMemoryCameraLeases: CameraLeases {
    private struct Entry {
        var lease: CameraLease
        var expires: AnyClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var lastToken: Int64 = 0
    }

    private let state = Mutex(State())
    private let clock: AnyClock

    /// - Parameter clock: the clock that expires leases.
    public init(clock: any Clock<Duration> = ContinuousClock()) {
        self.clock = AnyClock(clock)
    }

    public func acquire(cameraID: String, owner: String, duration: Duration) -> CameraLease? {
        let now = clock.now
        return state.withLock { state in
            if let entry = state.entries[cameraID], entry.expires > now { return nil }
            state.lastToken += 1
            let lease = CameraLease(cameraID: cameraID, owner: owner, token: state.lastToken)
            state.entries[cameraID] = Entry(lease: lease, expires: now.advanced(by: duration))
            return lease
        }
    }

    public func renew(_ lease: CameraLease, duration: Duration) -> Bool {
        let now = clock.now
        return state.withLock { state in
            guard let entry = state.entries[lease.cameraID], entry.lease == lease, entry.expires > now else { return false }
            state.entries[lease.cameraID]?.expires = now.advanced(by: duration)
            return true
        }
    }

    public func release(_ lease: CameraLease) {
        state.withLock { state in
            if state.entries[lease.cameraID]?.lease == lease { state.entries[lease.cameraID] = nil }
        }
    }

    public func timeLeft(cameraID: String) -> Duration? {
        let now = clock.now
        return state.withLock { state in
            guard let entry = state.entries[cameraID], entry.expires > now else { return nil }
            return now.duration(to: entry.expires)
        }
    }

    public func holder(cameraID: String) -> CameraLease? {
        let now = clock.now
        return state.withLock { state in
            guard let entry = state.entries[cameraID], entry.expires > now else { return nil }
            return entry.lease
        }
    }
}
