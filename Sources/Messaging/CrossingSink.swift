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

    public init(store: any CountStore) {
        self.store = store
    }

    public func deliver(_ crossings: [CrossingRecord]) async throws {
        try await store.insertCrossings(crossings)
    }
}
