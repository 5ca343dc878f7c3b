import Foundation
import Storage

extension SQLiteStore {
    static let modelColumns = "name, version, kind, detector, sha256, input_width, input_height, classes, score_threshold, licence, source, registered_ms"
    static let modelMinuteColumns = "camera_id, model_name, model_version, minute, frames, regions, detections, errors, mean_ms, p99_ms, last_error"

    public func registerModel(_ model: AIModel) async throws {
        try model.validate()
        let tenant = tenant, tenantID = tenantID
        try await database.write { connection in
            try Self.requireTenant(tenantID, connection)
            try Self.upsertModel(model, tenant: tenant, connection)
        }
    }

    /// Adds `model` or refreshes its details, keeping the first registration time.
    private static func upsertModel(_ model: AIModel, tenant: SQLiteValue, onlyIfMissing: Bool = false, _ connection: SQLiteConnection) throws {
        let conflict = onlyIfMissing ? "DO NOTHING" : """
            DO UPDATE SET kind = excluded.kind, detector = excluded.detector, sha256 = excluded.sha256,
                input_width = excluded.input_width, input_height = excluded.input_height, classes = excluded.classes,
                score_threshold = excluded.score_threshold, licence = excluded.licence, source = excluded.source
            """
        try connection.query("""
            INSERT INTO ai_models (tenant_id, \(modelColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, name, version) \(conflict)
            """, [
            tenant, .text(model.name), .text(model.version), .text(model.kind.rawValue), .text(model.detector), text(model.sha256),
            model.inputWidth.map { .integer(Int64($0)) } ?? .null, model.inputHeight.map { .integer(Int64($0)) } ?? .null,
            .text(try json(model.classes)), model.scoreThreshold.map { .real($0) } ?? .null, text(model.licence), text(model.source),
            .integer(milliseconds(model.registered)),
        ])
    }

    public func models() async throws -> [AIModel] {
        let tenant = tenant
        let rows = try await database.read { connection in
            try connection.query("SELECT \(Self.modelColumns) FROM ai_models WHERE tenant_id = ? ORDER BY name, version", [tenant])
        }
        return try rows.map { row in
            guard let kind = row[2].string.flatMap(AIModel.Kind.init(rawValue:)) else {
                throw StorageError.backend(operation: "read a model", reason: "a row has an unknown kind")
            }
            return AIModel(name: row[0].string ?? "", version: row[1].string ?? "", kind: kind, detector: row[3].string ?? "",
                           sha256: row[4].string, inputWidth: row[5].int64.map(Int.init), inputHeight: row[6].int64.map(Int.init),
                           classes: try Self.decode([String].self, json: row[7], what: "a model's classes"),
                           scoreThreshold: row[8].double, licence: row[9].string, source: row[10].string,
                           registered: Self.date(milliseconds: row[11]))
        }
    }

    public func addModelMinutes(_ minutes: [ModelMinute]) async throws {
        for minute in minutes { try minute.validate() }
        let tenant = tenant
        try await database.write { connection in
            try Self.requireCameras(minutes.map(\.cameraID), tenant: tenant, connection) { "minutes[\($0)].cameraID" }
            for minute in minutes {
                try Self.upsertModel(AIModel(name: minute.modelName, version: minute.modelVersion, kind: minute.modelKind,
                                             detector: minute.modelKind.rawValue, registered: minute.minute),
                                     tenant: tenant, onlyIfMissing: true, connection)
                try connection.query("""
                    INSERT INTO model_logs (tenant_id, \(Self.modelMinuteColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant_id, camera_id, minute, model_name, model_version) DO UPDATE SET
                        mean_ms = CASE WHEN frames + excluded.frames = 0 THEN 0
                            ELSE (mean_ms * frames + excluded.mean_ms * excluded.frames) / (frames + excluded.frames) END,
                        frames = frames + excluded.frames,
                        regions = regions + excluded.regions,
                        detections = detections + excluded.detections,
                        errors = errors + excluded.errors,
                        p99_ms = max(p99_ms, excluded.p99_ms),
                        last_error = coalesce(excluded.last_error, last_error)
                    """, [
                    tenant, .text(minute.cameraID), .text(minute.modelName), .text(minute.modelVersion),
                    .integer(Int64(minute.minute.timeIntervalSince1970)), .integer(Int64(minute.frames)),
                    .integer(Int64(minute.regions)), .integer(Int64(minute.detections)), .integer(Int64(minute.errors)),
                    .real(minute.meanMilliseconds), .real(minute.p99Milliseconds),
                    Self.text(minute.lastError.map { String($0.prefix(ModelMinute.maximumErrorLength)) }),
                ])
            }
        }
    }

    public func modelMinutes(cameraID: String?, modelName: String?, from: Date, to: Date, limit: Int) async throws -> [ModelMinute] {
        let tenant = tenant
        let rows = try await database.read { connection in
            try connection.query("""
                SELECT l.camera_id, l.model_name, l.model_version, l.minute, l.frames, l.regions, l.detections, l.errors,
                    l.mean_ms, l.p99_ms, l.last_error, m.kind
                FROM model_logs l JOIN ai_models m
                    ON m.tenant_id = l.tenant_id AND m.name = l.model_name AND m.version = l.model_version
                WHERE l.tenant_id = ? AND l.minute >= ? AND l.minute < ?
                    AND (? IS NULL OR l.camera_id = ?) AND (? IS NULL OR l.model_name = ?)
                ORDER BY l.minute, l.camera_id, l.model_name, l.model_version
                LIMIT ?
                """, [tenant, .integer(Self.ceilSeconds(from)), .integer(Self.ceilSeconds(to)),
                      Self.text(cameraID), Self.text(cameraID), Self.text(modelName), Self.text(modelName),
                      .integer(Int64(max(0, limit)))])
        }
        return rows.map { row in
            ModelMinute(cameraID: row[0].string ?? "", modelName: row[1].string ?? "", modelVersion: row[2].string ?? "",
                        modelKind: row[11].string.flatMap(AIModel.Kind.init(rawValue:)) ?? .motion,
                        minute: Date(timeIntervalSince1970: Double(row[3].int64 ?? 0)),
                        frames: Int(row[4].int64 ?? 0), regions: Int(row[5].int64 ?? 0), detections: Int(row[6].int64 ?? 0),
                        errors: Int(row[7].int64 ?? 0), meanMilliseconds: row[8].double ?? 0, p99Milliseconds: row[9].double ?? 0,
                        lastError: row[10].string)
        }
    }
}
