import Foundation

extension InMemoryStore {
    public func alertRules() -> [AlertRule] {
        read { $0.alertRules.values.sorted { ($0.name, $0.id.uuidString) < ($1.name, $1.id.uuidString) } }
    }

    public func alertRule(id: UUID) -> AlertRule? {
        read { $0.alertRules[id] }
    }

    public func saveAlertRule(_ rule: AlertRule, audit: AuditEntry) throws {
        try rule.validate()
        let tenantID = tenantID
        let taken = shared.data.withLock { data in
            data.spaces.contains { $0.key != tenantID && $0.value.alertRules[rule.id] != nil }
        }
        if taken { throw StorageError.conflict(field: "rule.id", reason: "the id is taken") }
        try transaction(adding: true) { (space: inout TenantData) throws(StorageError) in
            if let camera = rule.cameraID, space.cameras[camera].map({ !$0.deleted }) != true {
                throw .invalidInput(field: "rule.camera", reason: "no camera with id \"\(camera)\"")
            }
            if let site = rule.siteID, space.sites[site] == nil {
                throw .invalidInput(field: "rule.site", reason: "no site with id \"\(site)\"")
            }
            space.alertRules[rule.id] = rule
            space.audit.append(audit)
        }
    }

    public func deleteAlertRule(id: UUID, audit: AuditEntry) throws -> [Alert] {
        try transaction { (space: inout TenantData) throws(StorageError) -> [Alert] in
            guard space.alertRules.removeValue(forKey: id) != nil else {
                throw .notFound(field: "rule.id", reason: "no alert rule with id \(id.uuidString.lowercased())")
            }
            var resolved: [Alert] = []
            for (alertID, var alert) in space.alerts where alert.ruleID == id {
                alert.ruleID = nil
                if alert.resolvedAt == nil {
                    alert.resolvedAt = audit.time
                    resolved.append(alert)
                }
                space.alerts[alertID] = alert
            }
            space.audit.append(audit)
            return resolved.sorted { $0.firedAt > $1.firedAt }
        }
    }

    public func openAlert(_ alert: Alert) throws -> (alert: Alert, created: Bool) {
        let alert = alert.trimmed
        return try transaction(adding: true) { (space: inout TenantData) throws(StorageError) -> (alert: Alert, created: Bool) in
            guard let ruleID = alert.ruleID, space.alertRules[ruleID] != nil else {
                throw .notFound(field: "alert.ruleID", reason: "no alert rule with id \(alert.ruleID?.uuidString.lowercased() ?? "nil")")
            }
            if let open = space.alerts.values.first(where: { $0.ruleID == ruleID && $0.subject == alert.subject && $0.resolvedAt == nil }) {
                return (open, false)
            }
            if space.alerts[alert.id] != nil {
                throw .conflict(field: "alert.id", reason: "an alert with id \(alert.id.uuidString.lowercased()) is already stored")
            }
            var stored = alert
            stored.resolvedAt = nil
            stored.acknowledgedAt = nil
            stored.acknowledgedBy = nil
            space.alerts[alert.id] = stored
            return (stored, true)
        }
    }

    public func resolveAlert(id: UUID, at time: Date) throws -> Alert? {
        try transaction { (space: inout TenantData) throws(StorageError) -> Alert? in
            guard var alert = space.alerts[id], alert.resolvedAt == nil else { return nil }
            alert.resolvedAt = time
            space.alerts[id] = alert
            return alert
        }
    }

    public func acknowledgeAlert(id: UUID, by username: String, audit: AuditEntry) throws -> Alert {
        try transaction { (space: inout TenantData) throws(StorageError) -> Alert in
            guard var alert = space.alerts[id] else {
                throw .notFound(field: "alert.id", reason: "no alert with id \(id.uuidString.lowercased())")
            }
            guard alert.resolvedAt == nil else {
                throw .conflict(field: "alert.id", reason: "the alert is already resolved")
            }
            guard alert.acknowledgedAt == nil else { return alert }
            alert.acknowledgedAt = audit.time
            alert.acknowledgedBy = username
            space.alerts[id] = alert
            space.audit.append(audit)
            return alert
        }
    }

    public func alerts(_ query: AlertQuery) -> [Alert] {
        read { space in
            Array(space.alerts.values.filter(query.matches)
                .sorted { ($0.firedAt, $0.id.uuidString) > ($1.firedAt, $1.id.uuidString) }.prefix(max(0, query.limit)))
        }
    }

    public func alert(id: UUID) -> Alert? {
        read { $0.alerts[id] }
    }
}
