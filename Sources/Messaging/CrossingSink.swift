import Storage

/// Where a camera pipeline hands its crossings: straight into the store (embedded), or onto
/// the event broker for an ingest consumer to store.
///
/// Delivery is at least once: when `deliver` throws, the caller keeps the crossings and offers
/// them again later; the store drops crossings it already has (by id and time).
public protocol CrossingSink: Sendable {
    /// Returns once the crossings are safe: committed to the store, or confirmed by the broker.
    func deliver(_ crossings: [CrossingRecord]) async throws
}

/// The embedded sink: writes crossings to the store in the caller's task.
public struct DirectCrossingSink: CrossingSink {
    private let store: any CountStore
    private let recordFenced: @Sendable (Int) -> Void

    /// - Parameter recordFenced: told how many crossings of a batch the store's fences refused
    ///   (a worker counting after its lease passed on), when any were.
    public init(store: any CountStore, recordFenced: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.store = store
        self.recordFenced = recordFenced
    }

    public func deliver(_ crossings: [CrossingRecord]) async throws {
        let stored = try await store.storeCrossings(crossings)
        if stored.fenced > 0 { recordFenced(stored.fenced) }
    }
}
