import ArgumentParser
import CountingCore
import Analytics
import FootfallSupport
import Foundation
import Logging
import Storage
import StoragePostgres

struct BenchQueries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queries",
        abstract: "Dashboard queries on a year of minute results in PostgreSQL: p50 and p99, with plans.",
        discussion: """
            Needs an empty database it may migrate (FOOTFALL_DATABASE_URL, as its owner). Writes one year of per-minute results for --cameras cameras × 3 lines of one site \
            (about 16 M rows for 10 cameras), computes the rollups, then times "last 24 h by hour for \
            a camera" (minute results, one camera's index range in one partition), "last 12 months \
            by day for a site" (day rollups) and the analytics answers (local days and hours of the \
            site from the local-day and hourly rollups, which every write of minutes adds to) --runs times each. The baseline is the same 12-month \
            query computed from the minute results, run once.
            """)

    @Option(help: "Cameras of the site, 3 lines each.")
    var cameras = 10

    @Option(help: "Days of minute results.")
    var days = 365

    @Option(help: "Timed runs of each query.")
    var runs = 200

    func validate() throws {
        guard cameras >= 1, days >= 1, runs >= 1 else { throw ValidationError("--cameras, --days and --runs must be at least 1") }
    }

    func run() async throws {
        let (cameraCount, days, runs) = (cameras, days, runs)
        try await BenchDatabase.withMigratedStore(statementTimeoutMilliseconds: 3_600_000) { store in
            let configuration = store.configuration
            let site = UUID()
            let tenant = configuration.tenantID.uuidString
            try await store.execute("INSERT INTO sites (id, tenant_id, name, timezone) VALUES ('\(site.uuidString)', '\(tenant)', 'Bench site', 'Europe/Paris')")
            let lines = (1...3).map { CountingLine(name: "line-\($0)", a: Point(x: Double($0), y: 0), b: Point(x: Double($0), y: 9)) }
            for camera in 1...cameraCount {
                try await store.saveCamera(Camera(id: "cam-\(camera)", name: "Camera \(camera)", source: "bench.mp4",
                                                  geometry: Geometry(lines: lines)))
            }
            try await store.execute("UPDATE cameras SET site_id = '\(site.uuidString)'")
            let end = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
            let start = end.addingTimeInterval(-Double(days) * 86_400)
            try await store.createPartitionsAhead(now: start, monthsAhead: days / 28 + 2)
            let clock = ContinuousClock()
            let load = try await clock.measure {
                // Day by day, so each statement stays small enough for the statement timeout.
                for day in 0..<days {
                    let from = start.addingTimeInterval(Double(day) * 86_400)
                    try await store.execute("""
                        INSERT INTO counting_results (tenant_id, camera_id, kind, name, minute, geometry_version, count_in,
                            count_out, occupancy_min, occupancy_max, occupancy_sum, occupancy_samples)
                        SELECT '\(tenant)', 'cam-' || c, 'line', 'line-' || l, m, 1, (m_i * 7 + c + l) % 5, (m_i * 3 + c) % 4, 0, 0, 0, 0
                        FROM generate_series(1, \(cameraCount)) c, generate_series(1, 3) l,
                             generate_series(0, 1439) m_i, LATERAL (SELECT '\(Self.iso(from))'::timestamptz + m_i * interval '1 minute' AS m) t
                        """)
                }
            }
            let rowCount = cameraCount * 3 * 1440 * days
            try await store.execute("ANALYZE counting_results")
            let rollup = try await clock.measure { try await store.refreshRollups(from: start, to: end) }
            try await store.execute("ANALYZE analytics_rollups")
            print(String(format: "loaded %d minute rows in %.0f s; rollups of the whole range in %.1f s", rowCount,
                         load.inSeconds, rollup.inSeconds))

            func time(_ name: String, _ body: () async throws -> Int) async throws {
                var samples: [Double] = []
                var rows = 0
                for _ in 0..<runs {
                    let elapsed = try await clock.measure { rows = try await body() }
                    samples.append(elapsed.inSeconds * 1000)
                }
                samples.sort()
                let p50 = samples[samples.count / 2], p99 = samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))]
                print(String(format: "%@: %d rows, p50 %.2f ms, p99 %.2f ms", name, rows, p50, p99))
            }
            try await time("last 24 h by hour, one camera") {
                let series = try await store.countSeries(cameraID: "cam-1", from: end.addingTimeInterval(-86_400), to: end, bucket: .hour)
                return series.lines.values.reduce(0) { $0 + $1.count }
            }
            try await time("last 12 months by day, whole site") {
                try await store.siteLineSeries(siteID: site, from: end.addingTimeInterval(-365 * 86_400), to: end, granularity: "day").count
            }
            let cameraIDs = (1...cameraCount).map { "cam-\($0)" }
            let paris = TimeZone(identifier: "Europe/Paris")!
            try await time("analytics: 12 months by day for the site, with previous period, last year and peak hours") {
                let query = LineCountQuery(cameraIDs: cameraIDs, from: end.addingTimeInterval(-365 * 86_400), to: end, timeZone: paris)
                return try await FootfallReport.make(store, query, bucket: .day).series.buckets.count
            }
            try await time("analytics: last 30 days by hour for the site, with comparisons") {
                let query = LineCountQuery(cameraIDs: cameraIDs, from: end.addingTimeInterval(-30 * 86_400), to: end, timeZone: paris)
                return try await FootfallReport.make(store, query, bucket: .hour).series.buckets.count
            }
            try await time("analytics: one day's occupancy of the site by hour") {
                let query = LineCountQuery(cameraIDs: cameraIDs, from: end.addingTimeInterval(-86_400), to: end, timeZone: paris)
                return try await store.lineCountBuckets(query, bucket: .hour).count
            }
            let baseline = try await clock.measure {
                _ = try await store.countSeries(cameraID: "cam-1", from: end.addingTimeInterval(-365 * 86_400), to: end, bucket: .day)
            }
            print(String(format: "baseline, 12 months by day for one camera from minute rows: %.0f ms", baseline.inSeconds * 1000))
            print("plan, last 24 h by hour:")
            print(try await store.explain("""
                SELECT kind, name, date_trunc('hour', minute, 'UTC'), sum(count_in) FROM counting_results
                WHERE tenant_id = '\(tenant)' AND camera_id = 'cam-1' AND minute >= '\(Self.iso(end.addingTimeInterval(-86_400)))'
                    AND minute < '\(Self.iso(end))' GROUP BY 1, 2, 3
                """))
            print("plan, 12 months by day for the site:")
            print(try await store.explain("""
                SELECT r.bucket_start, r.name, sum(r.count_in) FROM analytics_rollups r
                JOIN cameras c ON c.tenant_id = r.tenant_id AND c.id = r.camera_id
                WHERE r.tenant_id = '\(tenant)' AND c.site_id = '\(site.uuidString)' AND r.granularity = 'day' AND r.kind = 'line'
                    AND r.bucket_start >= '\(Self.iso(end.addingTimeInterval(-365 * 86_400)))' AND r.bucket_start < '\(Self.iso(end))'
                GROUP BY 1, 2
                """))
        }
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
