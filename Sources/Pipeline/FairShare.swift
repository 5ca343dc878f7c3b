import Messaging

/// How many cameras each worker should count: shares in proportion to capacity, rounded up,
/// so the shares always cover every camera and a worker at its share never has to give one up.
public enum FairShare {
    /// The number of cameras `name` should count when `cameras` are shared among `workers`
    /// (which should include `name`; it is added with `capacity` if missing).
    ///
    /// A worker with no capacity of its own (0) still counts when every worker has none:
    /// the cameras are then shared equally.
    public static func target(for name: String, capacity: Double, among workers: [WorkerStatus], cameras: Int) -> Int {
        guard cameras > 0 else { return 0 }
        var capacities = Dictionary(workers.map { ($0.name, max(0, $0.capacity.isFinite ? $0.capacity : 0)) },
                                    uniquingKeysWith: { first, _ in first })
        capacities[name] = max(0, capacity.isFinite ? capacity : 0)
        let total = capacities.values.reduce(0, +)
        let share = total > 0 ? capacities[name]! / total : 1 / Double(capacities.count)
        return min(cameras, Int((Double(cameras) * share - 1e-9).rounded(.up)))
    }

    /// Which of the cameras a worker holds to hand over when it holds more than `target`: the
    /// most recently taken first, since they have the least history in memory. Each pair is a
    /// camera and when it was taken (any comparable instant).
    public static func surplus<Instant: Comparable>(_ held: [(camera: String, since: Instant)], target: Int) -> [String] {
        let excess = held.count - max(0, target)
        guard excess > 0 else { return [] }
        return held.sorted { ($0.since, $0.camera) > ($1.since, $1.camera) }.prefix(excess).map(\.camera)
    }
}
