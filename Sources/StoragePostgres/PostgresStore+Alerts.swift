import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    static let alertRuleColumns = "id, name, kind, severity, enabled, camera_id, site_id, settings::text"
    typealias AlertRuleRow = (UUID, String, String, String, Bool, String?, String?, String)
    static let alertColumns = """
        id, rule_id, kind, severity, subject, camera_id, site_id, message, value, created_at, acknowledged_at, \
        acknowledged_by, resolved_at
        """
    typealias AlertRow = (UUID, UUID?, String, String, String, String?, String?, String, Double?, Date, Date?, String?, Date?)

    public func alertRules() async throws -> [AlertRule] {
        try await selectAlertRules(id: nil)
    }

    public func alertRule(id: UUID) async throws -> AlertRule? {
        try await selectAlertRules(id: id).first
    }

    private func selectAlertRules(id: UUID?) async throws -> [AlertRule] {
        let tenant = configuration.tenantID
        return try await transaction("read alert rules", reading: true) { [self] connection in
            try await connection.query("""
                SELECT \(unescaped: Self.alertRuleColumns) FROM alert_rules
                WHERE tenant_id = \(tenant) AND (\(id)::uuid IS NULL OR id = \(id)) ORDER BY name COLLATE "C", id
                """, logger: logger).collect().map { try Self.alertRule(try $0.decode(AlertRuleRow.self)) }
        }
    }

    public func saveAlertRule(_ rule: AlertRule, audit: AuditEntry) async throws {
        try rule.validate()
        let settings = try Self.json(rule.settings)
        let tenant = configuration.tenantID
        try await transaction("save alert rule \(rule.id)") { [self] connection in
            try await requireTenant(connection)
            if let camera = rule.cameraID {
                let found = try await connection.query(
                    "SELECT 1 FROM cameras WHERE tenant_id = \(tenant) AND id = \(camera) AND deleted_at IS NULL", logger: logger
                ).collect()
                guard !found.isEmpty else { throw StorageError.invalidInput(field: "rule.camera", reason: "no camera with id \"\(camera)\"") }
            }
            if let site = rule.siteID {
                let found = try await connection.query(
                    "SELECT 1 FROM sites WHERE tenant_id = \(tenant) AND id = \(site)", logger: logger
                ).collect()
                guard !found.isEmpty else { throw StorageError.invalidInput(field: "rule.site", reason: "no site with id \"\(site)\"") }
            }
            let updated = try await connection.query("""
                UPDATE alert_rules SET name = \(rule.name), kind = \(rule.kind.rawValue), severity = \(rule.severity.rawValue),
                    enabled = \(rule.enabled), camera_id = \(rule.cameraID), site_id = \(rule.siteID), settings = \(settings)::jsonb
                WHERE tenant_id = \(tenant) AND id = \(rule.id) RETURNING 1
                """, logger: logger).collect()
            if updated.isEmpty {
                // Another tenant's rule with this id is invisible here; its key still refuses the insert.
                try await Self.mappingUniqueViolations(["alert_rules_pkey": .conflict(field: "rule.id", reason: "the id is taken")]) {
                    _ = try await connection.query("""
                        INSERT INTO alert_rules (id, tenant_id, name, kind, severity, enabled, camera_id, site_id, settings)
                        VALUES (\(rule.id), \(tenant), \(rule.name), \(rule.kind.rawValue), \(rule.severity.rawValue), \(rule.enabled),
                                \(rule.cameraID), \(rule.siteID), \(settings)::jsonb)
                        """, logger: logger).collect()
                }
            }
            try await insertAudit(audit, connection: connection)
        }
    }

    public func deleteAlertRule(id: UUID, audit: AuditEntry) async throws -> [Alert] {
        let tenant = configuration.tenantID
        return try await transaction("delete alert rule \(id)") { [self] connection in
            let found = try await connection.query(
                "SELECT 1 FROM alert_rules WHERE tenant_id = \(tenant) AND id = \(id) FOR UPDATE", logger: logger
            ).collect()
            guard !found.isEmpty else {
                throw StorageError.notFound(field: "rule.id", reason: "no alert rule with id \(id.uuidString.lowercased())")
            }
            let resolved = try await connection.query("""
                UPDATE alerts SET resolved_at = \(audit.time), rule_id = NULL
                WHERE tenant_id = \(tenant) AND rule_id = \(id) AND resolved_at IS NULL
                RETURNING \(unescaped: Self.alertColumns)
                """, logger: logger).collect().map { Self.alert(try $0.decode(AlertRow.self)) }
            _ = try await connection.query(
                "UPDATE alerts SET rule_id = NULL WHERE tenant_id = \(tenant) AND rule_id = \(id)", logger: logger
            ).collect()
            _ = try await connection.query("DELETE FROM alert_rules WHERE tenant_id = \(tenant) AND id = \(id)", logger: logger).collect()
            try await insertAudit(audit, connection: connection)
            return resolved.sorted { $0.firedAt > $1.firedAt }
        }
    }

    public func openAlert(_ alert: Alert) async throws -> (alert: Alert, created: Bool) {
        let alert = alert.trimmed
        let tenant = configuration.tenantID
        return try await transaction("open alert") { [self] connection in
            try await requireTenant(connection)
            guard let ruleID = alert.ruleID,
                  try await !connection.query("SELECT 1 FROM alert_rules WHERE tenant_id = \(tenant) AND id = \(ruleID) FOR SHARE",
                                              logger: logger).collect().isEmpty
            else {
                throw StorageError.notFound(field: "alert.ruleID",
                                            reason: "no alert rule with id \(alert.ruleID?.uuidString.lowercased() ?? "nil")")
            }
            let inserted = try await Self.mappingUniqueViolations([
                "alerts_pkey": .conflict(field: "alert.id", reason: "an alert with id \(alert.id.uuidString.lowercased()) is already stored"),
            ]) {
                try await connection.query("""
                    INSERT INTO alerts (id, tenant_id, rule_id, kind, severity, subject, camera_id, site_id, message, value, created_at)
                    VALUES (\(alert.id), \(tenant), \(ruleID), \(alert.kind.rawValue), \(alert.severity.rawValue), \(alert.subject),
                            \(alert.cameraID), \(alert.siteID), \(alert.message), \(alert.value), \(alert.firedAt))
                    ON CONFLICT (tenant_id, rule_id, subject) WHERE resolved_at IS NULL DO NOTHING
                    RETURNING \(unescaped: Self.alertColumns)
                    """, logger: logger).collect()
            }
            if let row = inserted.first { return (Self.alert(try row.decode(AlertRow.self)), true) }
            let open = try await connection.query("""
                SELECT \(unescaped: Self.alertColumns) FROM alerts
                WHERE tenant_id = \(tenant) AND rule_id = \(ruleID) AND subject = \(alert.subject) AND resolved_at IS NULL
                """, logger: logger).collect()
            guard let row = open.first else {
                throw StorageError.backend(operation: "open alert", reason: "an open alert was neither inserted nor found")
            }
            return (Self.alert(try row.decode(AlertRow.self)), false)
        }
    }

    public func resolveAlert(id: UUID, at time: Date) async throws -> Alert? {
        let tenant = configuration.tenantID
        return try await transaction("resolve alert \(id)") { [self] connection in
            try await connection.query("""
                UPDATE alerts SET resolved_at = \(time) WHERE tenant_id = \(tenant) AND id = \(id) AND resolved_at IS NULL
                RETURNING \(unescaped: Self.alertColumns)
                """, logger: logger).collect().first.map { Self.alert(try $0.decode(AlertRow.self)) }
        }
    }

    public func acknowledgeAlert(id: UUID, by username: String, audit: AuditEntry) async throws -> Alert {
        let tenant = configuration.tenantID
        return try await transaction("acknowledge alert \(id)") { [self] connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.alertColumns) FROM alerts WHERE tenant_id = \(tenant) AND id = \(id) FOR UPDATE", logger: logger
            ).collect()
            guard let row = rows.first else {
                throw StorageError.notFound(field: "alert.id", reason: "no alert with id \(id.uuidString.lowercased())")
            }
            let alert = Self.alert(try row.decode(AlertRow.self))
            guard alert.resolvedAt == nil else { throw StorageError.conflict(field: "alert.id", reason: "the alert is already resolved") }
            guard alert.acknowledgedAt == nil else { return alert }
            let updated = try await connection.query("""
                UPDATE alerts SET acknowledged_at = \(audit.time), acknowledged_by = \(username)
                WHERE tenant_id = \(tenant) AND id = \(id) RETURNING \(unescaped: Self.alertColumns)
                """, logger: logger).collect()
            try await insertAudit(audit, connection: connection)
            return Self.alert(try updated[0].decode(AlertRow.self))
        }
    }

    public func alerts(_ query: AlertQuery) async throws -> [Alert] {
        let tenant = configuration.tenantID
        let limit = max(0, query.limit)
        let scoped = query.visibleTo != nil
        let cameras = Array(query.visibleTo?.cameraIDs ?? []), sites = Array(query.visibleTo?.siteIDs ?? [])
        return try await transaction("read alerts", reading: true) { [self] connection in
            try await connection.query("""
                SELECT \(unescaped: Self.alertColumns) FROM alerts
                WHERE tenant_id = \(tenant) AND created_at >= \(query.from) AND created_at < \(query.to)
                    AND (NOT \(query.openOnly) OR resolved_at IS NULL) AND (\(query.cameraID)::text IS NULL OR camera_id = \(query.cameraID))
                    AND (NOT \(scoped) OR camera_id = ANY(\(cameras)::text[]) OR site_id = ANY(\(sites)::text[]))
                ORDER BY created_at DESC, id DESC LIMIT \(limit)
                """, logger: logger).collect().map { Self.alert(try $0.decode(AlertRow.self)) }
        }
    }

    public func alert(id: UUID) async throws -> Alert? {
        let tenant = configuration.tenantID
        return try await transaction("read alert \(id)", reading: true) { [self] connection in
            try await connection.query(
                "SELECT \(unescaped: Self.alertColumns) FROM alerts WHERE tenant_id = \(tenant) AND id = \(id)", logger: logger
            ).collect().first.map { Self.alert(try $0.decode(AlertRow.self)) }
        }
    }

    static func alertRule(_ row: AlertRuleRow) throws -> AlertRule {
        guard let kind = AlertRule.Kind(rawValue: row.2) else {
            throw StorageError.backend(operation: "read an alert rule", reason: "unknown kind \"\(row.2)\"")
        }
        let settings: AlertRule.Settings
        do {
            settings = try JSONDecoder().decode(AlertRule.Settings.self, from: Data(row.7.utf8))
        } catch {
            throw StorageError.backend(operation: "read an alert rule", reason: "the stored settings cannot be read: \(error)")
        }
        return AlertRule(id: row.0, name: row.1, kind: kind, severity: AlertSeverity(rawValue: row.3) ?? .warning, enabled: row.4,
                         cameraID: row.5, siteID: row.6, settings: settings)
    }

    static func alert(_ row: AlertRow) -> Alert {
        Alert(id: row.0, ruleID: row.1, kind: AlertRule.Kind(rawValue: row.2) ?? .cameraDown,
              severity: AlertSeverity(rawValue: row.3) ?? .warning, subject: row.4, cameraID: row.5, siteID: row.6,
              message: row.7, value: row.8, firedAt: row.9, acknowledgedAt: row.10, acknowledgedBy: row.11, resolvedAt: row.12)
    }
}
