import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    /// Hours older than two days come from the hourly rollups (kept by the maintenance service,
    /// which refreshes the last two days every hour); the rest from the minute rows.
    public func hourlyLineCounts(cameraIDs: [String], from: Date, to: Date) async throws -> [HourlyLineCount] {
        guard !cameraIDs.isEmpty else { return [] }
        let tenant = configuration.tenantID
        return try await transaction("read hourly counts", reading: true) { [self] connection in
            try await connection.query("""
                WITH bounds AS (SELECT date_trunc('hour', now() - interval '2 days', 'UTC') AS watermark)
                SELECT camera_id, name, bucket_start, count_in::int8, count_out::int8 FROM analytics_rollups, bounds
                WHERE tenant_id = \(tenant) AND camera_id = ANY(\(cameraIDs)) AND granularity = 'hour' AND kind = 'line'
                    AND bucket_start >= \(from) AND bucket_start < \(to) AND bucket_start < bounds.watermark
                UNION ALL
                SELECT camera_id, name, date_trunc('hour', minute, 'UTC'), sum(count_in)::int8, sum(count_out)::int8
                FROM counting_results, bounds
                WHERE tenant_id = \(tenant) AND camera_id = ANY(\(cameraIDs)) AND kind = 'line'
                    AND minute >= \(from) AND minute < \(to) AND minute >= bounds.watermark
                GROUP BY 1, 2, 3
                """, logger: logger).collect().map {
                let row = try $0.decode((String, String, Date, Int64, Int64).self)
                return HourlyLineCount(cameraID: row.0, line: row.1, hour: row.2, countIn: Int(row.3), countOut: Int(row.4))
            }
        }
    }
}
