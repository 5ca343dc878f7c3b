import Foundation
import PostgresNIO
import Storage

// Line counts come from the rollups alone: every write of minutes adds to its hour's and local
// day's rollups in the same transaction, and the maintenance service recomputes the last two
// days from the minutes every hour. Grouping happens in the database, so a year of a site
// comes back as a few hundred rows.
extension PostgresStore {
    public func hourlyLineCounts(cameraIDs: [String], from: Date, to: Date) async throws -> [HourlyLineCount] {
        guard !cameraIDs.isEmpty else { return [] }
        let tenant = configuration.tenantID
        return try await transaction("read hourly counts", reading: true) { [self] connection in
            try await connection.query("""
                SELECT camera_id, name, bucket_start, count_in::int8, count_out::int8 FROM analytics_rollups
                WHERE tenant_id = \(tenant) AND camera_id = ANY(\(cameraIDs)) AND granularity = 'hour' AND kind = 'line'
                    AND bucket_start >= \(from) AND bucket_start < \(to)
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
    /// quoted literal. Local-day rollups are kept in each site's own time zone: the days a site
    /// had before its zone changed are read as they were made.
    private func grouped(_ query: LineCountQuery, operation: String, byLocalDay: Bool, group: String) async throws
        -> [(key: Double, countIn: Int, countOut: Int)]
    {
        let tenant = configuration.tenantID
        let lines = query.lines.map { Array($0) }
        // Local days serve the cameras whose site keeps the query's time zone; the others (a
        // camera without a site asked about in a zone, say) are summed from their hours. Two
        // plain lists keep both reads on the primary key.
        return try await transaction(operation, reading: true) { [self] connection in
            let daily = byLocalDay ? try await connection.query("""
                SELECT c.id FROM cameras c LEFT JOIN sites s ON s.tenant_id = c.tenant_id AND s.id = c.site_id
                WHERE c.tenant_id = \(tenant) AND c.id = ANY(\(query.cameraIDs)) AND coalesce(s.timezone, 'UTC') = \(query.timeZone.identifier)
                """, logger: logger).collect().map { try $0.decode(String.self) } : []
            let hourly = query.cameraIDs.filter { !daily.contains($0) }
            // Each kind of rollup is summed per bucket start first, so that the time zone
            // arithmetic of `group` runs once per hour or day, not once per camera and line.
            return try await connection.query("""
                WITH hours AS (
                    SELECT bucket_start AS hour, sum(count_in) AS count_in, sum(count_out) AS count_out FROM analytics_rollups
                    WHERE tenant_id = \(tenant) AND camera_id = ANY(\(daily)) AND granularity = 'local-day' AND kind = 'line'
                        AND bucket_start >= \(query.from) AND bucket_start < \(query.to)
                        AND (\(lines)::text[] IS NULL OR camera_id || '/' || name = ANY(\(lines)::text[]))
                    GROUP BY 1
                    UNION ALL
                    SELECT bucket_start AS hour, sum(count_in) AS count_in, sum(count_out) AS count_out FROM analytics_rollups
                    WHERE tenant_id = \(tenant) AND camera_id = ANY(\(hourly)) AND granularity = 'hour' AND kind = 'line'
                        AND bucket_start >= \(query.from) AND bucket_start < \(query.to)
                        AND (\(lines)::text[] IS NULL OR camera_id || '/' || name = ANY(\(lines)::text[]))
                    GROUP BY 1
                )
                SELECT (\(unescaped: group))::float8 AS key, sum(count_in)::int8, sum(count_out)::int8 FROM hours
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
