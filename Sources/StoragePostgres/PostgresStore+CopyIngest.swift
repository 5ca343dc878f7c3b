import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    /// Batches at least this large try COPY first; smaller ones are not worth the savepoint.
    static let copyMinimumRows = 64

    /// The cameras `ids` name with their fences (the newest lease token recorded and when that
    /// lease began), locked against a new lease being recorded until the transaction ends, so
    /// the fence cannot move between reading it and storing the rows it let through. An unknown
    /// camera is bad input naming `field(index)`, as in `requireCameras`.
    func lockedFences(_ ids: [String], connection: PostgresConnection, field: (Int) -> String) async throws
        -> [String: (token: Int64?, acquiredAt: Date?)]
    {
        let tenant = configuration.tenantID
        var fences: [String: (token: Int64?, acquiredAt: Date?)] = [:]
        for row in try await connection.query("""
            SELECT id, lease_token, lease_acquired_at FROM cameras
            WHERE tenant_id = \(tenant) AND id = ANY(\(Array(Set(ids)))) FOR SHARE
            """, logger: logger).collect() {
            let (id, token, acquiredAt) = try row.decode((String, Int64?, Date?).self)
            fences[id] = (token, acquiredAt)
        }
        if let index = ids.firstIndex(where: { fences[$0] == nil }) {
            throw StorageError.invalidInput(field: field(index), reason: "no camera with id \"\(ids[index])\"")
        }
        return fences
    }

    /// Stores `crossings` with one COPY into `crossing_events`, inside a savepoint, dropping those
    /// the fence refuses: how many were stored and how many fenced, or nil when COPY could not
    /// take them (one was stored already, or row-level security applies to this login and
    /// forbids COPY) and the savepoint was rolled back, for the caller to store them with
    /// `INSERT … ON CONFLICT DO NOTHING`. COPY inserts rows in groups, where the INSERT goes a row at a time
    /// (`docs/performance.md`, "PostgreSQL ingest").
    func copyCrossings(_ crossings: [CrossingRecord], fences: [String: (token: Int64?, acquiredAt: Date?)],
                       connection: PostgresConnection) async throws -> StoredCrossings? {
        let kept = crossings.filter { crossing in
            let fence = fences[crossing.cameraID]
            return !crossing.isFenced(newestToken: fence?.token, acquiredAt: fence?.acquiredAt)
        }
        let fenced = crossings.count - kept.count
        guard !kept.isEmpty else { return StoredCrossings(added: 0, fenced: fenced) }
        _ = try await connection.query("SAVEPOINT footfall_copy", logger: logger).collect()
        do {
            try await copy(kept, into: "crossing_events", connection: connection)
        } catch let error as PSQLError {
            let state = error.serverInfo?[.sqlState]
            // 23505: a crossing stored before (a batch sent again); 0A000: COPY refused under
            // row-level security, which applies to logins that neither own the tables as a
            // superuser nor bypass it.
            guard state == "23505" || state == "0A000" else { throw error }
            _ = try await connection.query("ROLLBACK TO SAVEPOINT footfall_copy", logger: logger).collect()
            if state == "0A000" {
                copyRefused.withLock { $0 = true }
                logger.notice("store.copy_unavailable", metadata: ["reason": "\(error.serverInfo?[.message] ?? "")"])
            }
            return nil
        }
        _ = try await connection.query("RELEASE SAVEPOINT footfall_copy", logger: logger).collect()
        copiedBatches.withLock { $0 += 1 }
        return StoredCrossings(added: kept.count, fenced: fenced)
    }

    /// COPYs `crossings` into `table` (`crossing_events` or a benchmark's baseline shaped as it),
    /// stamped with this store's tenant, `copyChunkRows` rows per message.
    func copy(_ crossings: [CrossingRecord], into table: String, connection: PostgresConnection) async throws {
        let tenant = configuration.tenantID.uuidString
        try await connection.copyFrom(
            table: table,
            columns: ["tenant_id", "camera_id", "event_id", "geometry_version", "line", "direction", "track_id", "time"],
            logger: logger
        ) { writer in
            var rows = CopyText()
            for chunk in stride(from: 0, to: crossings.count, by: Self.copyChunkRows) {
                rows.clear()
                for crossing in crossings[chunk..<min(crossings.count, chunk + Self.copyChunkRows)] {
                    rows.text(tenant)
                    rows.text(crossing.cameraID)
                    rows.text(crossing.id)
                    rows.integer(Int32(crossing.geometryVersion))
                    rows.text(crossing.line)
                    rows.text(crossing.direction.rawValue)
                    rows.integer(Int64(crossing.trackID))
                    rows.timestamp(crossing.time, last: true)
                }
                try await writer.write(rows.buffer)
            }
        }
    }
}
