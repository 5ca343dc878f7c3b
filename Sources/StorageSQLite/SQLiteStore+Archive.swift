import Foundation
import Storage

extension SQLiteStore {
    /// The tables retention archives, their time column, and its units per second.
    static let archivedTables: [(table: String, column: String, perSecond: Int64)] = [
        ("crossing_events", "time_ms", 1_000), ("counting_results", "minute", 1), ("camera_events", "time_ms", 1_000),
        ("model_logs", "minute", 1),
    ]

    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    /// `2025-01` → its first moment and the next month's.
    static func monthBounds(_ month: String) -> (Date, Date)? {
        let parts = month.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let number = Int(parts[1]),
              (1...12).contains(number), let lower = utc.date(from: DateComponents(year: year, month: number, day: 1)),
              let upper = utc.date(byAdding: .month, value: 1, to: lower)
        else { return nil }
        return (lower, upper)
    }

    /// `table`'s rows as JSON objects, one per row, through SQLite's own JSON.
    static func jsonColumns(_ table: String, _ connection: SQLiteConnection) throws -> (select: String, names: [String]) {
        let names = try connection.query("SELECT name FROM pragma_table_info(?)", [.text(table)]).compactMap { $0.first?.string }
        return ("json_object(" + names.map { "'\($0)', \($0)" }.joined(separator: ", ") + ")", names)
    }

    /// Archives, then deletes, every tenant's whole months of crossings, minute results,
    /// camera events and model figures past `retention`: each month's rows go to `files` as gzip JSON lines
    /// (`archives/<tenant>/<table>/<month>.<hash>.jsonl.gz`), listed in that tenant's `files`
    /// and read back before they are deleted. Months restored and still kept are left alone.
    @discardableResult
    public func archiveExpiredMonths(now: Date, retention: Retention = .init(), to files: any FileStore) async throws -> [ArchivedMonth] {
        var archived: [ArchivedMonth] = []
        let tenants = try await tenants()
        for (table, column, perSecond) in Self.archivedTables {
            let cutoff = now.addingTimeInterval(-Double(retention.duration(of: table).components.seconds))
            // Whole months only: those ending at or before the cutoff.
            guard let limit = Self.utc.dateInterval(of: .month, for: cutoff)?.start else { continue }
            let limitValue = Int64(limit.timeIntervalSince1970) * perSecond
            let nowMilliseconds = Int64(now.timeIntervalSince1970 * 1_000)
            for tenant in tenants {
                let tenantValue = SQLiteValue.text(tenant.id.uuidString)
                let months = try await database.read { connection in
                    let kept = Set(try connection.query("SELECT month FROM kept_months WHERE table_name = ? AND until_ms > ?",
                                                        [.text(table), .integer(nowMilliseconds)]).compactMap { $0.first?.string })
                    return try connection.query("""
                        SELECT DISTINCT strftime('%Y-%m', \(column) / \(perSecond), 'unixepoch') FROM \(table)
                        WHERE tenant_id = ? AND \(column) < ? ORDER BY 1
                        """, [tenantValue, .integer(limitValue)]).compactMap { $0.first?.string }.filter { !kept.contains($0) }
                }
                let store = SQLiteStore(database: database, path: path, tenantID: tenant.id)
                for month in months {
                    guard let (lower, upper) = Self.monthBounds(month) else { continue }
                    let range: [SQLiteValue] = [tenantValue, .integer(Int64(lower.timeIntervalSince1970) * perSecond),
                                                .integer(Int64(upper.timeIntervalSince1970) * perSecond)]
                    let lines = try await database.read { connection in
                        let (select, _) = try Self.jsonColumns(table, connection)
                        return try connection.query("""
                            SELECT \(select) FROM \(table) WHERE tenant_id = ? AND \(column) >= ? AND \(column) < ? ORDER BY \(column)
                            """, range).compactMap { $0.first?.string }
                    }
                    guard !lines.isEmpty else { continue }
                    let file = try await ArchiveFile.write(lines, tenantID: tenant.id, table: table, month: month, to: files, now: now)
                    _ = try await store.addFile(file)
                    try await database.write { connection in
                        try connection.query("DELETE FROM \(table) WHERE tenant_id = ? AND \(column) >= ? AND \(column) < ?", range)
                    }
                    archived.append(ArchivedMonth(table: table, month: month, tenantID: tenant.id, rows: lines.count, file: file))
                }
            }
        }
        return archived
    }

    /// Brings `table`'s archived `month` (`2025-01`) back: every tenant's archive files of it
    /// are read and checked against their SHA-256 first, then each tenant's rows are inserted
    /// in one transaction, unless that tenant already has rows in the month; the month is kept
    /// from retention for `keepFor`. Returns the rows inserted.
    public func restoreArchivedMonth(table: String, month: String, from files: any FileStore, keepFor: Duration = .seconds(7 * 86_400),
                                     now: Date) async throws -> Int {
        guard let (_, column, perSecond) = Self.archivedTables.first(where: { $0.table == table }) else {
            throw StorageError.invalidInput(field: "table", reason: "one of \(Self.archivedTables.map(\.table).joined(separator: ", "))")
        }
        guard let (lower, upper) = Self.monthBounds(month) else {
            throw StorageError.invalidInput(field: "month", reason: "expected a month such as 2025-01")
        }
        var checked: [(tenant: UUID, lines: [String])] = []
        for tenant in try await tenants() {
            let store = SQLiteStore(database: database, path: path, tenantID: tenant.id)
            for file in try await store.files(kind: .archive, siteIDs: nil, limit: 10_000)
                where file.name == ArchiveFile.name(table: table, month: month) {
                checked.append((tenant.id, try await ArchiveFile.read(file, from: files)))
            }
        }
        var inserted = 0
        for (tenant, lines) in checked {
            let range: [SQLiteValue] = [.text(tenant.uuidString), .integer(Int64(lower.timeIntervalSince1970) * perSecond),
                                        .integer(Int64(upper.timeIntervalSince1970) * perSecond)]
            inserted += try await database.write { connection in
                if try !connection.query("SELECT 1 FROM \(table) WHERE tenant_id = ? AND \(column) >= ? AND \(column) < ? LIMIT 1",
                                         range).isEmpty {
                    return 0
                }
                let (_, names) = try Self.jsonColumns(table, connection)
                let values = names.map { "json_extract(value, '$.\($0)')" }.joined(separator: ", ")
                var count = 0
                for start in stride(from: 0, to: lines.count, by: 500) {
                    let batch = "[" + lines[start..<min(lines.count, start + 500)].joined(separator: ",") + "]"
                    try connection.query("INSERT OR IGNORE INTO \(table) (\(names.joined(separator: ", "))) SELECT \(values) FROM json_each(?)",
                                         [.text(batch)])
                    count += connection.changes
                }
                return count
            }
        }
        let until = Int64(now.addingTimeInterval(Double(keepFor.components.seconds)).timeIntervalSince1970 * 1_000)
        try await database.write { connection in
            try connection.query("""
                INSERT INTO kept_months (table_name, month, until_ms) VALUES (?, ?, ?)
                ON CONFLICT (table_name, month) DO UPDATE SET until_ms = excluded.until_ms
                """, [.text(table), .text(month), .integer(until)])
        }
        return inserted
    }
}
