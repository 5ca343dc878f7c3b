import Foundation
import PostgresNIO
import Storage

// Hours (or local days) older than two days come from the rollups, kept by the maintenance
// service, which refreshes the last two days every hour; the rest from the minute rows.
// Grouping happens in the database, so a year of a site comes back as a few hundred rows.
extension PostgresStore {
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

    /// Days and weeks read the local-day rollups (a row per camera, line and day) where they
    /// exist: a year of a site is thousands of rows, not a hundred thousand hours.
    public func lineCountBuckets(_ query: LineCountQuery, bucket: AnalyticsBucket) async throws -> [BucketCount] {
        guard !query.cameraIDs.isEmpty else { return [] }
        let zone = query.timeZone.identifier.postgresLiteral
        return try await grouped(query, operation: "read line count buckets", byLocalDay: bucket != .hour,
                                 group: "extract(epoch FROM date_trunc('\(bucket.rawValue)', hour, \(zone)))")
            .map { BucketCount(start: Date(timeIntervalSince1970: $0.key), countIn: $0.countIn, countOut: $0.countOut) }
    }

    public func lineCountsByHourOfDay(_ query: LineCountQuery) async throws -> [Int: (countIn: Int, countOut: Int)] {
        guard !query.cameraIDs.isEmpty else { return [:] }
        let rows = try await grouped(query, operation: "read line counts by hour of day", byLocalDay: false,
                                     group: "extract(hour FROM hour AT TIME ZONE \(query.timeZone.identifier.postgresLiteral))")
        return Dictionary(rows.map { (Int($0.key), (countIn: $0.countIn, countOut: $0.countOut)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Sums `query`'s counts by the SQL expression `group` (of the column `hour`: the start of an
    /// hour, or with `byLocalDay` of a local day); keys are the group as a number (epoch seconds
    /// for a time). `group` is SQL text chosen by the caller, with the time zone in it as a
    /// quoted literal. Local-day rollups are kept in each site's own time zone: a query in
    /// another zone (a site whose zone changed) reads them as they were made.
    private func grouped(_ query: LineCountQuery, operation: String, byLocalDay: Bool, group: String) async throws
        -> [(key: Double, countIn: Int, countOut: Int)]
    {
        let tenant = configuration.tenantID
        let lines = query.lines.map { Array($0) }
        let unit = byLocalDay ? "day" : "hour", granularity = byLocalDay ? "local-day" : "hour"
        let zone = byLocalDay ? query.timeZone.identifier.postgresLiteral : "'UTC'"
        return try await transaction(operation, reading: true) { [self] connection in
            try await connection.query("""
                WITH bounds AS (SELECT date_trunc(\(unit), now() - interval '2 days', \(unescaped: zone)) AS watermark),
                hours AS (
                    SELECT camera_id, name, bucket_start AS hour, count_in, count_out FROM analytics_rollups, bounds
                    WHERE tenant_id = \(tenant) AND camera_id = ANY(\(query.cameraIDs)) AND granularity = \(granularity) AND kind = 'line'
                        AND bucket_start >= \(query.from) AND bucket_start < \(query.to) AND bucket_start < bounds.watermark
                    UNION ALL
                    SELECT camera_id, name, date_trunc(\(unit), minute, \(unescaped: zone)), count_in, count_out FROM counting_results, bounds
                    WHERE tenant_id = \(tenant) AND camera_id = ANY(\(query.cameraIDs)) AND kind = 'line'
                        AND minute >= \(query.from) AND minute < \(query.to) AND minute >= bounds.watermark
                )
                SELECT (\(unescaped: group))::float8 AS key, sum(count_in)::int8, sum(count_out)::int8 FROM hours
                WHERE \(lines)::text[] IS NULL OR camera_id || '/' || name = ANY(\(lines)::text[])
                GROUP BY 1 ORDER BY 1
                """, logger: logger).collect().map {
                let row = try $0.decode((Double, Int64, Int64).self)
                return (row.0, Int(row.1), Int(row.2))
            }
        }
    }
}

extension String {
    /// This text as an SQL string literal, quotes doubled (time zone names hold none anyway).
    var postgresLiteral: String { "'" + replacingOccurrences(of: "'", with: "''") + "'" }
}
