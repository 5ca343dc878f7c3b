import Analytics
import Crypto
import Foundation
import Storage

/// A camera's counts over a range as a CSV file kept in the file store: one row per line or
/// zone and bucket (`camera,kind,name,bucket_start_utc,in,out,occupancy_min,occupancy_max,occupancy_mean`).
struct CountExport {
    let camera: Camera
    let query: CountsQuery
    let series: CountSeries

    var csv: String {
        let utc = ISO8601DateFormatter()
        let id = CSVField.quoted(camera.id)
        var rows = ["camera,kind,name,bucket_start_utc,in,out,occupancy_min,occupancy_max,occupancy_mean"]
        for name in series.lines.keys.sorted() {
            for bucket in series.lines[name]! {
                rows.append("\(id),line,\(CSVField.quoted(name)),\(utc.string(from: bucket.start)),\(bucket.countIn),\(bucket.countOut),,,")
            }
        }
        for name in series.zones.keys.sorted() {
            for bucket in series.zones[name]! {
                rows.append("\(id),zone,\(CSVField.quoted(name)),\(utc.string(from: bucket.start)),,,\(bucket.minimum),\(bucket.maximum),"
                            + String(format: "%.2f", bucket.mean))
            }
        }
        return rows.joined(separator: "\r\n") + "\r\n"
    }

    /// Writes the CSV to `files` and lists it in `catalog` with `audit`, expiring after `keepFor`.
    func store(tenantID: UUID, files: any FileStore, catalog: any FileCatalog, keepFor: Duration, now: Date,
               audit: AuditEntry) async throws -> StoredFile {
        let data = Data(csv.utf8)
        let sha256 = Array(SHA256.hash(data: data))
        let day = ISO8601DateFormatter.string(from: query.from, timeZone: .gmt, formatOptions: [.withFullDate])
        // Each export has its own key, also two of the same second and counts.
        let id = UUID()
        let key = "exports/\(tenantID.uuidString.lowercased())/\(camera.id)/\(Int(now.timeIntervalSince1970))-\(id.uuidString.lowercased()).csv"
        try await files.put(data, key: key, contentType: "text/csv; charset=utf-8")
        let file = StoredFile(id: id, kind: .export, key: key, name: "\(camera.id)-\(day)-\(query.bucket.rawValue).csv",
                              contentType: "text/csv; charset=utf-8", size: data.count, sha256: sha256, siteID: camera.siteID,
                              created: now, expires: now.addingTimeInterval(Double(keepFor.components.seconds)))
        _ = try await catalog.addFile(file, audit: audit)
        return file
    }
}
