import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    typealias ModelRow = (String, String, String, String, String?, Int32?, Int32?, [String], Double?, String?, String?, Date)
    static let modelColumns = "name, version, kind, detector, sha256, input_width, input_height, classes, score_threshold, licence, source, created_at"

    public func registerModel(_ model: AIModel) async throws {
        try model.validate()
        try await transaction("register a model") { [self] connection in
            try await requireTenant(connection)
            try await upsertModel(model, onlyIfMissing: false, connection: connection)
        }
    }

    /// Adds `model` or refreshes its details, keeping the first registration time.
    private func upsertModel(_ model: AIModel, onlyIfMissing: Bool, connection: PostgresConnection) async throws {
        let tenant = configuration.tenantID
        let conflict: PostgresQuery = onlyIfMissing ? "DO NOTHING" : """
            DO UPDATE SET kind = EXCLUDED.kind, detector = EXCLUDED.detector, sha256 = EXCLUDED.sha256,
                input_width = EXCLUDED.input_width, input_height = EXCLUDED.input_height, classes = EXCLUDED.classes,
                score_threshold = EXCLUDED.score_threshold, licence = EXCLUDED.licence, source = EXCLUDED.source
            """
        _ = try await connection.query("""
            INSERT INTO ai_models (tenant_id, \(unescaped: Self.modelColumns))
            VALUES (\(tenant), \(model.name), \(model.version), \(model.kind.rawValue), \(model.detector), \(model.sha256),
                    \(model.inputWidth.map(Int32.init)), \(model.inputHeight.map(Int32.init)), \(model.classes), \(model.scoreThreshold),
                    \(model.licence), \(model.source), \(model.registered))
            ON CONFLICT (tenant_id, name, version) \(unescaped: conflict.sql)
            """, logger: logger).collect()
    }

    public func models() async throws -> [AIModel] {
        let tenant = configuration.tenantID
        return try await transaction("read models", reading: true) { [self] connection in
            try await connection.query("""
                SELECT \(unescaped: Self.modelColumns) FROM ai_models WHERE tenant_id = \(tenant) ORDER BY name, version
                """, logger: logger).collect().map { row in
                let model = try row.decode(ModelRow.self)
                guard let kind = AIModel.Kind(rawValue: model.2) else {
                    throw StorageError.backend(operation: "read a model", reason: "unknown kind \"\(model.2)\"")
                }
                return AIModel(name: model.0, version: model.1, kind: kind, detector: model.3, sha256: model.4,
                               inputWidth: model.5.map(Int.init), inputHeight: model.6.map(Int.init), classes: model.7,
                               scoreThreshold: model.8, licence: model.9, source: model.10, registered: model.11)
            }
        }
    }

    public func addModelMinutes(_ minutes: [ModelMinute]) async throws {
        for minute in minutes { try minute.validate() }
        guard !minutes.isEmpty else { return }
        // One row per key: a statement may not update the same row twice.
        var merged: [String: ModelMinute] = [:]
        var order: [String] = []
        for minute in minutes {
            let key = "\(minute.cameraID)\u{0}\(minute.modelName)\u{0}\(minute.modelVersion)\u{0}\(minute.minute.timeIntervalSince1970)"
            if let existing = merged[key] { merged[key] = existing.merged(with: minute) } else {
                merged[key] = minute
                order.append(key)
            }
        }
        let rows = order.map { merged[$0]! }
        let tenant = configuration.tenantID
        try await transaction("store \(rows.count) model minutes") { [self] connection in
            try await requireCameras(rows.map(\.cameraID), connection: connection) { "minutes[\($0)].cameraID" }
            for minute in rows {
                try await upsertModel(AIModel(name: minute.modelName, version: minute.modelVersion, kind: minute.modelKind,
                                              detector: minute.modelKind.rawValue, registered: minute.minute),
                                      onlyIfMissing: true, connection: connection)
            }
            try await ensurePartitions("model_logs", for: rows.map(\.minute), connection: connection)
            let errors = rows.map { $0.lastError.map { String($0.prefix(ModelMinute.maximumErrorLength)) } ?? "" }
            _ = try await connection.query("""
                INSERT INTO model_logs AS l (tenant_id, model_id, camera_id, time, level, message, frames, regions, detections, errors,
                    mean_ms, p99_ms)
                SELECT \(tenant), m.id, u.camera, u.minute, CASE WHEN u.errors > 0 THEN 'warning' ELSE 'info' END, u.message,
                    u.frames, u.regions, u.detections, u.errors, u.mean, u.p99
                FROM unnest(\(rows.map(\.cameraID))::text[], \(rows.map(\.modelName))::text[], \(rows.map(\.modelVersion))::text[],
                            \(rows.map(\.minute))::timestamptz[], \(errors)::text[], \(rows.map { Int32($0.frames) })::int4[],
                            \(rows.map { Int32($0.regions) })::int4[], \(rows.map { Int32($0.detections) })::int4[],
                            \(rows.map { Int32($0.errors) })::int4[], \(rows.map(\.meanMilliseconds))::float8[],
                            \(rows.map(\.p99Milliseconds))::float8[])
                    AS u(camera, model, version, minute, message, frames, regions, detections, errors, mean, p99)
                JOIN ai_models m ON m.tenant_id = \(tenant) AND m.name = u.model AND m.version = u.version
                ON CONFLICT (tenant_id, camera_id, model_id, time) DO UPDATE SET
                    mean_ms = CASE WHEN l.frames + EXCLUDED.frames = 0 THEN 0
                        ELSE (l.mean_ms * l.frames + EXCLUDED.mean_ms * EXCLUDED.frames) / (l.frames + EXCLUDED.frames) END,
                    frames = l.frames + EXCLUDED.frames,
                    regions = l.regions + EXCLUDED.regions,
                    detections = l.detections + EXCLUDED.detections,
                    errors = l.errors + EXCLUDED.errors,
                    p99_ms = greatest(l.p99_ms, EXCLUDED.p99_ms),
                    level = CASE WHEN l.errors + EXCLUDED.errors > 0 THEN 'warning' ELSE 'info' END,
                    message = CASE WHEN EXCLUDED.message = '' THEN l.message ELSE EXCLUDED.message END
                """, logger: logger).collect()
        }
    }

    public func modelMinutes(cameraID: String?, modelName: String?, from: Date, to: Date, limit: Int) async throws -> [ModelMinute] {
        let tenant = configuration.tenantID
        return try await transaction("read model minutes", reading: true) { [self] connection in
            try await connection.query("""
                SELECT l.camera_id, m.name, m.version, m.kind, l.time, l.frames, l.regions, l.detections, l.errors, l.mean_ms, l.p99_ms,
                    l.message
                FROM model_logs l JOIN ai_models m ON m.id = l.model_id
                WHERE l.tenant_id = \(tenant) AND l.time >= \(from) AND l.time < \(to)
                    AND (\(cameraID)::text IS NULL OR l.camera_id = \(cameraID)) AND (\(modelName)::text IS NULL OR m.name = \(modelName))
                ORDER BY l.time, l.camera_id, m.name, m.version
                LIMIT \(max(0, limit))
                """, logger: logger).collect().map { row in
                let (camera, name, version, kind, time, frames, regions, detections, errors, mean, p99, message) =
                    try row.decode((String, String, String, String, Date, Int32, Int32, Int32, Int32, Double, Double, String).self)
                return ModelMinute(cameraID: camera, modelName: name, modelVersion: version,
                                   modelKind: AIModel.Kind(rawValue: kind) ?? .motion, minute: time, frames: Int(frames),
                                   regions: Int(regions), detections: Int(detections), errors: Int(errors),
                                   meanMilliseconds: mean, p99Milliseconds: p99, lastError: message.isEmpty ? nil : message)
            }
        }
    }
}
