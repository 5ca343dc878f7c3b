import Foundation
import NIOCore
import PostgresNIO
import Storage

extension PostgresStore {
    /// A partition's table, month (`2025-01`) and bounds, from its name (`crossing_events_p202501`).
    static func partitionMonth(_ name: String) -> (table: String, month: String, lower: Date, upper: Date)? {
        guard let range = name.range(of: "_p", options: .backwards) else { return nil }
        let digits = name[range.upperBound...]
        guard digits.count == 6, let year = Int(digits.prefix(4)), let month = Int(digits.suffix(2)), (1...12).contains(month) else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let lower = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
              let upper = calendar.date(byAdding: .month, value: 1, to: lower)
        else { return nil }
        return (String(name[..<range.lowerBound]), String(format: "%04d-%02d", year, month), lower, upper)
    }

    /// This tenant's rows of `table` in [lower, upper), one JSON object per line.
    func exportRows(table: String, column: String, lower: Date, upper: Date) async throws -> [String] {
        let tenant = configuration.tenantID
        return try await transaction("export a month") { [self] connection in
            try await connection.query("""
                SELECT row_to_json(t)::text FROM \(unescaped: table) t
                WHERE tenant_id = \(tenant) AND \(unescaped: column) >= \(lower) AND \(unescaped: column) < \(upper)
                ORDER BY \(unescaped: column)
                """, logger: logger).collect().map { try $0.decode(String.self) }
        }
    }

    /// Writes every tenant's rows of the partition `name` to `files` as gzip JSON lines (one
    /// file per tenant, under `archives/<tenant>/<table>/`), lists each in that tenant's
    /// `files`, and reads each back to check it before returning. Throws, having dropped
    /// nothing, when any of it fails.
    public func archivePartition(_ name: String, to files: any FileStore, now: Date) async throws -> [ArchivedMonth] {
        guard let (table, month, lower, upper) = Self.partitionMonth(name),
              let column = PostgresSchema.partitionedTables.first(where: { $0.table == table })?.column
        else { throw StorageError.invalidInput(field: "partition", reason: "\(name) is not one of Footfall's monthly partitions") }
        var archived: [ArchivedMonth] = []
        for tenant in try await tenants() {
            let store = PostgresStore(sharing: self, tenantID: tenant.id)
            let lines = try await store.exportRows(table: table, column: column, lower: lower, upper: upper)
            guard !lines.isEmpty else { continue }
            let file = try await ArchiveFile.write(lines, tenantID: tenant.id, table: table, month: month, to: files, now: now)
            // Listed once: archiving the same rows again (after a failed drop) writes the same key.
            _ = try await store.addFile(file)
            archived.append(ArchivedMonth(table: table, month: month, tenantID: tenant.id, rows: lines.count, file: file))
        }
        return archived
    }

    /// Brings `table`'s archived `month` (`2025-01`) back: every tenant's archive files of it
    /// are read and checked against their SHA-256 first, then each tenant's rows are inserted
    /// in one transaction, unless that tenant already has rows in the month (a month restored
    /// twice is not doubled); the partition is kept from retention for `keepFor`. Returns the
    /// rows inserted. Needs the owning role (it marks the partition).
    public func restoreArchivedMonth(table: String, month: String, from files: any FileStore, keepFor: Duration = .seconds(7 * 86_400),
                                     now: Date) async throws -> Int {
        guard PostgresSchema.partitionedTables.contains(where: { $0.table == table }) else {
            throw StorageError.invalidInput(field: "table", reason: "one of \(PostgresSchema.partitionedTables.map(\.table).joined(separator: ", "))")
        }
        let name = "\(table)_p\(month.replacingOccurrences(of: "-", with: ""))"
        guard Self.partitionMonth(name) != nil else {
            throw StorageError.invalidInput(field: "month", reason: "expected a month such as 2025-01")
        }
        try await transaction("restore an archived month") { [self] connection in
            _ = try await connection.query("SELECT footfall_ensure_partition(\(table), \(month + "-01")::date)", logger: logger).collect()
        }
        // Every archive of the month is read and checked before anything is inserted, so a
        // damaged one leaves the month as it was.
        guard let column = PostgresSchema.partitionedTables.first(where: { $0.table == table })?.column,
              let (_, _, lower, upper) = Self.partitionMonth(name)
        else { return 0 }
        var checked: [(store: PostgresStore, lines: [String])] = []
        for tenant in try await tenants() {
            let store = PostgresStore(sharing: self, tenantID: tenant.id)
            let archives = try await store.files(kind: .archive, siteIDs: nil, limit: 10_000)
                .filter { $0.name == ArchiveFile.name(table: table, month: month) }
            for file in archives {
                checked.append((store, try await ArchiveFile.read(file, from: files)))
            }
        }
        var inserted = 0
        for (store, lines) in checked {
            let tenant = store.configuration.tenantID
            inserted += try await store.transaction("restore archived rows") { connection in
                // A tenant's month already (partly) back is left as it is: some of these tables
                // have no key that would keep a row from being inserted twice.
                let present = try await connection.query("""
                    SELECT EXISTS (SELECT 1 FROM \(unescaped: table) WHERE tenant_id = \(tenant)
                        AND \(unescaped: column) >= \(lower) AND \(unescaped: column) < \(upper))
                    """, logger: store.logger).collect().first?.decode(Bool.self) ?? false
                if present { return 0 }
                var count = 0
                var start = 0
                while start < lines.count {
                    let batch = "[" + lines[start..<min(lines.count, start + 500)].joined(separator: ",") + "]"
                    start += 500
                    count += try await connection.query("""
                        WITH added AS (
                            INSERT INTO \(unescaped: table) SELECT * FROM json_populate_recordset(NULL::\(unescaped: table), \(batch)::json)
                            ON CONFLICT DO NOTHING RETURNING 1)
                        SELECT count(*)::bigint FROM added
                        """, logger: store.logger).collect().first.map { Int(try $0.decode(Int64.self)) } ?? 0
                }
                return count
            }
        }
        let until = now.addingTimeInterval(Double(keepFor.components.seconds))
        try await transaction("keep a restored month") { [self] connection in
            _ = try await connection.query(
                "COMMENT ON TABLE \(unescaped: Self.quoted(name)) IS \(unescaped: "'footfall:keep-until=\(Int(until.timeIntervalSince1970))'")",
                logger: logger).collect()
        }
        forgetPartitions()
        return inserted
    }

    /// When a restored partition may be dropped again, from its comment.
    static func keepUntil(comment: String?) -> Date? {
        guard let comment, comment.hasPrefix("footfall:keep-until="), let seconds = TimeInterval(comment.dropFirst("footfall:keep-until=".count))
        else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}
