import Storage

/// Lets through only status changes, so that a camera's event history records each change once
/// however often the pipeline reports the same status.
struct StatusChangeFilter: Equatable {
    private(set) var last: CameraStatus?
    private(set) var lastReason: String?

    /// Whether `status` with `reason` differs from the last one let through; if so it becomes the last.
    mutating func isChange(_ status: CameraStatus, reason: String?) -> Bool {
        guard status != last || reason != lastReason else { return false }
        last = status
        lastReason = reason
        return true
    }
}
