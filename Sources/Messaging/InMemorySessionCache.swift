import FootfallSupport
import Foundation
import Storage
import Synchronization

/// The embedded session cache: one process, entries timed by an injected clock.
public final class InMemorySessionCache: SessionCache {
    private struct Entry {
        var credential: Credential
        var user: User
        var until: AnyClock.Instant
    }

    private let entries = Mutex<[[UInt8]: Entry]>([:])
    private let clock: AnyClock
    /// Entries kept at most; the oldest are dropped beyond it.
    private let capacity: Int

    public init(clock: any Clock<Duration> = ContinuousClock(), capacity: Int = 10_000) {
        self.clock = AnyClock(clock)
        self.capacity = capacity
    }

    public func get(tokenHash: [UInt8]) -> (credential: Credential, user: User)? {
        let now = clock.now
        return entries.withLock { entries in
            guard let entry = entries[tokenHash] else { return nil }
            guard now < entry.until else {
                entries[tokenHash] = nil
                return nil
            }
            return (entry.credential, entry.user)
        }
    }

    public func put(tokenHash: [UInt8], credential: Credential, user: User, lifetime: Duration) {
        let until = clock.now.advanced(by: lifetime)
        entries.withLock { entries in
            if entries.count >= capacity {
                let now = clock.now
                entries = entries.filter { now < $0.value.until }
                if entries.count >= capacity, let oldest = entries.min(by: { $0.value.until < $1.value.until }) {
                    entries[oldest.key] = nil
                }
            }
            entries[tokenHash] = Entry(credential: credential, user: user, until: until)
        }
    }

    public func remove(tokenHashes: [[UInt8]]) {
        entries.withLock { entries in
            for hash in tokenHashes { entries[hash] = nil }
        }
    }
}
