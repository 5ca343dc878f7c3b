import Synchronization

/// Live WebSocket streams open per client address, so one client cannot hold them all. Shared
/// by every request of a server, so a lock.
final class LiveStreamCounter: Sendable {
    private let open = Mutex<[String: Int]>([:])
    /// Streams one address may hold at once.
    let maximumPerAddress: Int

    init(maximumPerAddress: Int) {
        self.maximumPerAddress = maximumPerAddress
    }

    /// Whether `address` may open another stream now.
    func hasRoom(for address: String) -> Bool {
        open.withLock { $0[address, default: 0] < maximumPerAddress }
    }

    func opened(_ address: String) {
        open.withLock { $0[address, default: 0] += 1 }
    }

    func closed(_ address: String) {
        open.withLock { open in
            let left = open[address, default: 1] - 1
            open[address] = left > 0 ? left : nil
        }
    }
}
