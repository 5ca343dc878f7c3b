import CountingCore
import Foundation

/// Cameras and their configuration.
public protocol CameraStore: Sendable {
    /// Inserts or replaces the camera with the same id.
    func saveCamera(_ camera: Camera) async throws
    /// All cameras, ordered by id.
    func cameras() async throws -> [Camera]
    func camera(id: String) async throws -> Camera?
}

/// Crossing events and per-minute counting results.
public protocol CountStore: Sendable {
    /// Stores crossings in one transaction, skipping crossings already stored. Ids come from
    /// `LineCrossing.eventID`, which contains the crossing's time, so a backend may key on
    /// (id, time) — the same crossing always has both. Returns how many were new.
    @discardableResult
    func insertCrossings(_ crossings: [CrossingRecord]) async throws -> Int
    /// Crossings of a camera with `from <= time < to`, oldest first.
    func crossings(cameraID: String, from: Date, to: Date) async throws -> [CrossingRecord]
    /// Crossings of a camera with `from <= time < to` counted per line and direction, by the
    /// store (a pipeline starting mid-day needs the day's totals, not the day's rows).
    func crossingTotals(cameraID: String, from: Date, to: Date) async throws -> [String: CrossingTotals]
    /// Adds per-minute results in one transaction (see `CountingResult` for the merge rule).
    func addCountingResults(_ results: [CountingResult]) async throws
    /// Results of a camera with `from <= minute < to`, grouped into buckets of `bucket`.
    func countSeries(cameraID: String, from: Date, to: Date, bucket: BucketSize) async throws -> CountSeries
}

/// What each camera did: its status changes and their reasons.
public protocol CameraEventStore: Sendable {
    /// Stores one status change (its reason cut to `CameraEvent.maximumReasonLength`).
    func insertCameraEvent(_ event: CameraEvent) async throws
    /// A camera's events with `from <= time < to`, newest first, at most `limit`.
    func cameraEvents(cameraID: String, from: Date, to: Date, limit: Int) async throws -> [CameraEvent]
}

/// Everything Footfall keeps in its system of record.
public typealias FootfallStore = CameraStore & CountStore & CameraEventStore

extension CountStore {
    /// Counts the crossings one by one; backends with a query language count in the query.
    public func crossingTotals(cameraID: String, from: Date, to: Date) async throws -> [String: CrossingTotals] {
        var totals: [String: CrossingTotals] = [:]
        for crossing in try await crossings(cameraID: cameraID, from: from, to: to) {
            switch crossing.direction {
            case .in: totals[crossing.line, default: .init()].countIn += 1
            case .out: totals[crossing.line, default: .init()].countOut += 1
            }
        }
        return totals
    }
}
