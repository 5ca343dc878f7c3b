import Foundation
import Storage

extension SQLiteStore {
    static let alertRuleColumns = "id, name, kind, severity, enabled, camera_id, site_id, settings"
    static let alertColumns = """
        id, rule_id, kind, severity, subject, camera_id, site_id, message, value, fired_ms, acknowledged_ms, \
        acknowledged_by, resolved_ms
        """

    public func alertRules() async throws -> [AlertRule] {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("SELECT \(Self.alertRuleColumns) FROM alert_rules WHERE tenant_id = ? ORDER BY name, id",
                                 [tenant]).map(Self.alertRuleRow)
        }
    }

    public func alertRule(id: UUID) async throws -> AlertRule? {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("SELECT \(Self.alertRuleColumns) FROM alert_rules WHERE tenant_id = ? AND id = ?",
                                 [tenant, .text(id.uuidString)]).first.map(Self.alertRuleRow)
        }
    }

    public func saveAlertRule(_ rule: AlertRule, audit: AuditEntry) async throws {
        try rule.validate()
        let settings = try Self.json(rule.settings)
        let tenant = tenant, tenantID = tenantID
        try await database.write { connection in
            try Self.requireTenant(tenantID, connection)
            if let camera = rule.cameraID,
               try connection.query("SELECT 1 FROM cameras WHERE tenant_id = ? AND id = ? AND deleted = 0", [tenant, .text(camera)]).isEmpty {
                throw StorageError.invalidInput(field: "rule.camera", reason: "no camera with id \"\(camera)\"")
            }
            if let site = rule.siteID,
               try connection.query("SELECT 1 FROM sites WHERE tenant_id = ? AND id = ?", [tenant, .text(site)]).isEmpty {
                throw StorageError.invalidInput(field: "rule.site", reason: "no site with id \"\(site)\"")
            }
            if try !connection.query("SELECT 1 FROM alert_rules WHERE id = ? AND tenant_id <> ?",
                                     [.text(rule.id.uuidString), tenant]).isEmpty {
                throw StorageError.conflict(field: "rule.id", reason: "the id is taken")
            }
            try connection.query("""
                INSERT INTO alert_rules (tenant_id, \(Self.alertRuleColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, severity = excluded.severity,
                    enabled = excluded.enabled, camera_id = excluded.camera_id, site_id = excluded.site_id,
                    settings = excluded.settings
                """, [tenant, .text(rule.id.uuidString), .text(rule.name), .text(rule.kind.rawValue), .text(rule.severity.rawValue),
                      .integer(rule.enabled ? 1 : 0), Self.text(rule.cameraID), Self.text(rule.siteID), .text(settings)])
            try Self.insertAudit(audit, tenant: tenant, connection)
        }
    }

    public func deleteAlertRule(id: UUID, audit: AuditEntry) async throws -> [Alert] {
        let tenant = tenant
        return try await database.write { connection in
            if try connection.query("SELECT 1 FROM alert_rules WHERE tenant_id = ? AND id = ?", [tenant, .text(id.uuidString)]).isEmpty {
                throw StorageError.notFound(field: "rule.id", reason: "no alert rule with id \(id.uuidString.lowercased())")
            }
            let open = try connection.query("""
                SELECT \(Self.alertColumns) FROM alerts WHERE tenant_id = ? AND rule_id = ? AND resolved_ms IS NULL
                ORDER BY fired_ms DESC
                """, [tenant, .text(id.uuidString)]).map(Self.alertRow)
            try connection.query("""
                UPDATE alerts SET resolved_ms = coalesce(resolved_ms, ?), rule_id = NULL WHERE tenant_id = ? AND rule_id = ?
                """, [.integer(Self.milliseconds(audit.time)), tenant, .text(id.uuidString)])
            try connection.query("DELETE FROM alert_rules WHERE tenant_id = ? AND id = ?", [tenant, .text(id.uuidString)])
            try Self.insertAudit(audit, tenant: tenant, connection)
            return open.map { alert in
                var alert = alert
                alert.ruleID = nil
                alert.resolvedAt = Self.date(milliseconds: .integer(Self.milliseconds(audit.time)))
                return alert
            }
        }
    }

    public func openAlert(_ alert: Alert) async throws -> (alert: Alert, created: Bool) {
        let alert = alert.trimmed
        let tenant = tenant, tenantID = tenantID
        return try await database.write { connection in
            try Self.requireTenant(tenantID, connection)
            guard let ruleID = alert.ruleID,
                  try !connection.query("SELECT 1 FROM alert_rules WHERE tenant_id = ? AND id = ?", [tenant, .text(ruleID.uuidString)]).isEmpty
            else {
                throw StorageError.notFound(field: "alert.ruleID", reason: "no alert rule with id \(alert.ruleID?.uuidString.lowercased() ?? "nil")")
            }
            if let open = try connection.query("""
                SELECT \(Self.alertColumns) FROM alerts WHERE tenant_id = ? AND rule_id = ? AND subject = ? AND resolved_ms IS NULL
                """, [tenant, .text(ruleID.uuidString), .text(alert.subject)]).first {
                return (try Self.alertRow(open), false)
            }
            if try !connection.query("SELECT 1 FROM alerts WHERE id = ?", [.text(alert.id.uuidString)]).isEmpty {
                throw StorageError.conflict(field: "alert.id", reason: "an alert with id \(alert.id.uuidString.lowercased()) is already stored")
            }
            try connection.query("""
                INSERT INTO alerts (tenant_id, id, rule_id, kind, severity, subject, camera_id, site_id, message, value, fired_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [tenant, .text(alert.id.uuidString), .text(ruleID.uuidString), .text(alert.kind.rawValue),
                      .text(alert.severity.rawValue), .text(alert.subject), Self.text(alert.cameraID), Self.text(alert.siteID),
                      .text(alert.message), alert.value.map { .real($0) } ?? .null, .integer(Self.milliseconds(alert.firedAt))])
            return (try Self.selectAlert(alert.id, tenant: tenant, connection)!, true)
        }
    }

    public func resolveAlert(id: UUID, at time: Date) async throws -> Alert? {
        let tenant = tenant
        return try await database.write { connection in
            try connection.query("UPDATE alerts SET resolved_ms = ? WHERE tenant_id = ? AND id = ? AND resolved_ms IS NULL",
                                 [.integer(Self.milliseconds(time)), tenant, .text(id.uuidString)])
            guard connection.changes > 0 else { return nil }
            return try Self.selectAlert(id, tenant: tenant, connection)
        }
    }

    public func acknowledgeAlert(id: UUID, by username: String, audit: AuditEntry) async throws -> Alert {
        let tenant = tenant
        return try await database.write { connection in
            guard let alert = try Self.selectAlert(id, tenant: tenant, connection) else {
                throw StorageError.notFound(field: "alert.id", reason: "no alert with id \(id.uuidString.lowercased())")
            }
            guard alert.resolvedAt == nil else {
                throw StorageError.conflict(field: "alert.id", reason: "the alert is already resolved")
            }
            guard alert.acknowledgedAt == nil else { return alert }
            try connection.query("UPDATE alerts SET acknowledged_ms = ?, acknowledged_by = ? WHERE tenant_id = ? AND id = ?",
                                 [.integer(Self.milliseconds(audit.time)), .text(username), tenant, .text(id.uuidString)])
            try Self.insertAudit(audit, tenant: tenant, connection)
            return try Self.selectAlert(id, tenant: tenant, connection)!
        }
    }

    public func alerts(_ query: AlertQuery) async throws -> [Alert] {
        let tenant = tenant
        // A scope becomes two lists of bound values: `camera_id IN (?, …) OR site_id IN (?, …)`.
        let cameras = query.visibleTo.map { Array($0.cameraIDs).sorted() } ?? []
        let sites = query.visibleTo.map { Array($0.siteIDs).sorted() } ?? []
        let scope = query.visibleTo == nil ? "" : """
             AND (camera_id IN (\(cameras.map { _ in "?" }.joined(separator: ", ").ifEmpty("NULL")))
                OR site_id IN (\(sites.map { _ in "?" }.joined(separator: ", ").ifEmpty("NULL"))))
            """
        var values: [SQLiteValue] = [tenant, .integer(Self.boundMilliseconds(query.from)), .integer(Self.boundMilliseconds(query.to)),
                                     .integer(query.openOnly ? 1 : 0), Self.text(query.cameraID), Self.text(query.cameraID)]
        values += cameras.map { .text($0) } + sites.map { .text($0) }
        values.append(.integer(Int64(max(0, query.limit))))
        let bound = values
        return try await database.read { connection in
            try connection.query("""
                SELECT \(Self.alertColumns) FROM alerts
                WHERE tenant_id = ? AND fired_ms >= ? AND fired_ms < ? AND (? = 0 OR resolved_ms IS NULL)
                    AND (? IS NULL OR camera_id = ?)\(scope)
                ORDER BY fired_ms DESC, id DESC LIMIT ?
                """, bound).map(Self.alertRow)
        }
    }

    public func alert(id: UUID) async throws -> Alert? {
        let tenant = tenant
        return try await database.read { connection in try Self.selectAlert(id, tenant: tenant, connection) }
    }

    private static func selectAlert(_ id: UUID, tenant: SQLiteValue, _ connection: SQLiteConnection) throws -> Alert? {
        try connection.query("SELECT \(alertColumns) FROM alerts WHERE tenant_id = ? AND id = ?", [tenant, .text(id.uuidString)])
            .first.map(alertRow)
    }

    /// Milliseconds of a query bound, with the distant past and future clamped to what fits.
    private static func boundMilliseconds(_ date: Date) -> Int64 {
        let seconds = min(max(date.timeIntervalSince1970, -9_000_000_000_000), 9_000_000_000_000)
        return Int64((seconds * 1000).rounded(.up))
    }

    static func alertRuleRow(_ row: [SQLiteValue]) throws -> AlertRule {
        AlertRule(id: uuid(row[0]) ?? UUID(), name: row[1].string ?? "",
                  kind: try enumValue(AlertRule.Kind.self, row[2], what: "an alert rule's kind"),
                  severity: AlertSeverity(rawValue: row[3].string ?? "") ?? .warning, enabled: row[4].int64 != 0,
                  cameraID: row[5].string, siteID: row[6].string,
                  settings: try decode(AlertRule.Settings.self, json: row[7], what: "an alert rule's settings"))
    }

    static func alertRow(_ row: [SQLiteValue]) throws -> Alert {
        Alert(id: uuid(row[0]) ?? UUID(), ruleID: uuid(row[1]), kind: try enumValue(AlertRule.Kind.self, row[2], what: "an alert's kind"),
              severity: AlertSeverity(rawValue: row[3].string ?? "") ?? .warning, subject: row[4].string ?? "",
              cameraID: row[5].string, siteID: row[6].string, message: row[7].string ?? "", value: row[8].double,
              firedAt: date(milliseconds: row[9]), acknowledgedAt: row[10] == .null ? nil : date(milliseconds: row[10]),
              acknowledgedBy: row[11].string, resolvedAt: row[12] == .null ? nil : date(milliseconds: row[12]))
    }

    private static func enumValue<T: RawRepresentable>(_ type: T.Type, _ value: SQLiteValue, what: String) throws -> T
    where T.RawValue == String {
        guard let parsed = value.string.flatMap(T.init(rawValue:)) else {
            throw StorageError.backend(operation: "read \(what)", reason: "unknown value \"\(value.string ?? "null")\"")
        }
        return parsed
    }
}

extension String {
    /// This text, or `other` when it is empty.
    fileprivate func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
