extension CrossingRecord {
    /// Checks one crossing of a batch; the error names the field and its index in the batch.
    public static func validate(_ crossing: CrossingRecord, index: Int) throws(StorageError) {
        if crossing.id.isEmpty || crossing.id.count > 256 {
            throw .invalidInput(field: "crossings[\(index)].id", reason: "must have 1 to 256 characters")
        }
        if crossing.cameraID.isEmpty {
            throw .invalidInput(field: "crossings[\(index)].cameraID", reason: "must not be empty")
        }
        if crossing.line.isEmpty || crossing.line.count > 100 {
            throw .invalidInput(field: "crossings[\(index)].line", reason: "must have 1 to 100 characters")
        }
        if crossing.geometryVersion < 1 {
            throw .invalidInput(field: "crossings[\(index)].geometryVersion", reason: "versions start at 1")
        }
    }
}
