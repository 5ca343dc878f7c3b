import Foundation

/// A store that keeps everything in memory: for tests and throw-away runs.
public actor InMemoryStore: CameraStore, CountStore, CameraEventStore {
    private var camerasByID: [String: Camera] = [:]
    private var crossingIDs: Set<String> = []
    private var crossingRows: [CrossingRecord] = []
    private var results: [ResultKey: CountingResult] = [:]
    private var events: [CameraEvent] = []

    private struct ResultKey: Hashable {
        var cameraID: String
        var kind: CountingResult.Kind
        var name: String
        var minute: Date
    }

    public init() {}

    public func saveCamera(_ camera: Camera) throws {
        try camera.validate()
        camerasByID[camera.id] = camera
    }

    public func cameras() -> [Camera] {
        camerasByID.values.sorted { $0.id < $1.id }
    }

    public func camera(id: String) -> Camera? {
        camerasByID[id]
    }

    public func insertCrossings(_ crossings: [CrossingRecord]) throws -> Int {
        for (i, crossing) in crossings.enumerated() {
            try CrossingRecord.validate(crossing, index: i)
        }
        for (i, crossing) in crossings.enumerated() where camerasByID[crossing.cameraID] == nil {
            throw StorageError.invalidInput(field: "crossings[\(i)].cameraID", reason: "no camera with id \"\(crossing.cameraID)\"")
        }
        var inserted = 0
        for crossing in crossings where crossingIDs.insert(crossing.id).inserted {
            crossingRows.append(crossing)
            inserted += 1
        }
        return inserted
    }

    public func crossings(cameraID: String, from: Date, to: Date) -> [CrossingRecord] {
        crossingRows
            .filter { $0.cameraID == cameraID && $0.time >= from && $0.time < to }
            .sorted { ($0.time, $0.id) < ($1.time, $1.id) }
    }

    public func addCountingResults(_ newResults: [CountingResult]) throws {
        for result in newResults { try result.validate() }
        for (i, result) in newResults.enumerated() where camerasByID[result.cameraID] == nil {
            throw StorageError.invalidInput(field: "results[\(i)].cameraID", reason: "no camera with id \"\(result.cameraID)\"")
        }
        for result in newResults {
            let key = ResultKey(cameraID: result.cameraID, kind: result.kind, name: result.name, minute: result.minute)
            results[key] = results[key].map { $0.merged(with: result) } ?? result
        }
    }

    public func countSeries(cameraID: String, from: Date, to: Date, bucket: BucketSize) -> CountSeries {
        let rows = results.values.filter { $0.cameraID == cameraID && $0.minute >= from && $0.minute < to }
        return CountSeries.grouping(rows, by: bucket)
    }

    public func insertCameraEvent(_ event: CameraEvent) throws {
        guard camerasByID[event.cameraID] != nil else {
            throw StorageError.invalidInput(field: "event.cameraID", reason: "no camera with id \"\(event.cameraID)\"")
        }
        events.append(event.trimmed)
    }

    public func cameraEvents(cameraID: String, from: Date, to: Date, limit: Int) -> [CameraEvent] {
        Array(events.filter { $0.cameraID == cameraID && $0.time >= from && $0.time < to }
            .sorted { $0.time > $1.time }.prefix(max(0, limit)))
    }
}
