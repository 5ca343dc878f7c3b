import Storage

/// Crossings counted but not yet taken by the crossing sink, in the order they happened.
///
/// A failed delivery keeps them for the next attempt, up to `capacity` (the oldest are given up
/// beyond it, so a long outage cannot exhaust memory); a refusal that no retry can fix (the
/// camera was deleted, say) gives them all up, since they would hold up every later crossing.
struct CrossingOutbox: Equatable {
    /// Crossings kept at most while deliveries fail.
    let capacity: Int
    private(set) var pending: [CrossingRecord] = []

    init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    var isEmpty: Bool { pending.isEmpty }

    mutating func add(_ crossing: CrossingRecord) {
        pending.append(crossing)
    }

    /// The sink took everything pending.
    mutating func delivered() {
        pending.removeAll()
    }

    /// The sink refused the crossings for good; returns how many were given up.
    mutating func refused() -> Int {
        defer { pending.removeAll() }
        return pending.count
    }

    /// The crossings are safe on disk, in a spool file the drain delivers: memory lets go of them.
    mutating func leftOnDisk() {
        pending.removeAll()
    }

    /// A delivery failed and will be tried again; returns how many of the oldest were given up
    /// to stay within capacity.
    mutating func failed() -> Int {
        let excess = pending.count - capacity
        guard excess > 0 else { return 0 }
        pending.removeFirst(excess)
        return excess
    }
}
