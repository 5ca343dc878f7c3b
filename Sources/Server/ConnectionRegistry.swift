import Synchronization

/// The connections a server process holds, by client address: shared by every connection's
/// guard, so a lock (each connection lives on its own event loop).
final class ConnectionRegistry: Sendable {
    private struct State {
        var total = 0
        var byAddress: [String: Int] = [:]
    }

    private let state = Mutex(State())
    let limits: ConnectionLimits

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    /// Counts a new connection from `address` if both limits allow it.
    func admit(address: String) -> Bool {
        state.withLock { state in
            let fromAddress = state.byAddress[address, default: 0]
            guard state.total < limits.maximumConnections, fromAddress < limits.maximumConnectionsPerAddress else {
                return false
            }
            state.total += 1
            state.byAddress[address] = fromAddress + 1
            return true
        }
    }

    /// Forgets a connection `admit` counted.
    func release(address: String) {
        state.withLock { state in
            state.total -= 1
            let left = state.byAddress[address, default: 1] - 1
            state.byAddress[address] = left > 0 ? left : nil
        }
    }

    /// Connections held now.
    var count: Int { state.withLock { $0.total } }
}
