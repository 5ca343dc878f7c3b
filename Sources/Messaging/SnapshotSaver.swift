import Crypto
import Foundation
import Storage

/// Keeps a camera's latest picture as a file: on request, and when an alert about the camera
/// opens. People are pixelated unless `blur` is off; the file is listed in the tenant's
/// `files` (kind `snapshot`, the camera's site) and expires after `keepFor`.
public struct SnapshotSaver: Sendable {
    let live: any LiveStateStore
    let files: any FileStore
    /// Store the pixelated picture (the default) rather than the frame as the camera saw it.
    public let blur: Bool
    public let keepFor: Duration

    public init(live: any LiveStateStore, files: any FileStore, blur: Bool = true, keepFor: Duration = .seconds(30 * 86_400)) {
        self.live = live
        self.files = files
        self.blur = blur
        self.keepFor = keepFor
    }

    /// Stores `camera`'s latest picture in `catalog`'s tenant; nil when the camera has sent none.
    /// `reason` (`request`, `alert`) is part of the file's name; `audit` is written with its listing.
    public func save(_ camera: Camera, tenantID: UUID, reason: String, in catalog: any FileCatalog, now: Date,
                     audit: AuditEntry? = nil) async throws -> StoredFile? {
        guard let jpeg = await live.snapshot(cameraID: camera.id, kind: blur ? .blurred : .plain) else { return nil }
        let data = Data(jpeg)
        let sha256 = Array(SHA256.hash(data: data))
        let stamp = Self.stamp(now)
        // Each kept picture has its own key, also two of the same second and bytes.
        let id = UUID()
        let key = "snapshots/\(tenantID.uuidString.lowercased())/\(camera.id)/\(stamp)-\(reason)-\(id.uuidString.lowercased()).jpg"
        try await files.put(data, key: key, contentType: "image/jpeg")
        let file = StoredFile(id: id, kind: .snapshot, key: key, name: "\(camera.id)-\(stamp)-\(reason).jpg", contentType: "image/jpeg",
                              size: data.count, sha256: sha256, siteID: camera.siteID, created: now,
                              expires: now.addingTimeInterval(Double(keepFor.components.seconds)))
        _ = try await catalog.addFile(file, audit: audit)
        return file
    }

    /// `20270115-080000` in UTC.
    static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02d-%02d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }
}
