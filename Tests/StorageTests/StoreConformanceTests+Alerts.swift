import Foundation
import Storage
import StorageTestSupport
import Testing

/// Alert rules and alerts: one open alert per rule and subject, acknowledged, resolved, kept.
extension StoreConformanceTests {
    func occupancyRule(_ name: String = "Lobby full", capacity: Double = 20) -> AlertRule {
        AlertRule(name: name, kind: .zoneOccupancy, severity: .critical, cameraID: "door-1", zone: "lobby",
                  threshold: capacity, holdSeconds: 30, clearSeconds: 90)
    }

    func alert(_ rule: AlertRule, subject: String = "camera:door-1/zone:lobby", at seconds: Double) -> Alert {
        Alert(ruleID: rule.id, kind: rule.kind, severity: rule.severity, subject: subject, cameraID: "door-1",
              message: "25 people in lobby (capacity 20)", value: 25, firedAt: Self.at(seconds))
    }

    @Test(arguments: Backend.available)
    func alertRulesAreSavedCheckedAndDeleted(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1"))
            try await store.saveSite(Site(id: "shop", name: "Shop", timeZone: "Europe/Paris"), audit: audit("site.save", "site:shop"))
            var lobby = occupancyRule()
            let down = AlertRule(name: "Any camera down", kind: .cameraDown, holdSeconds: 120)
            let site = AlertRule(name: "Shop full", kind: .siteOccupancy, siteID: "shop", lines: ["door-1/door"], threshold: 150)
            let odd = AlertRule(name: "Odd footfall", kind: .countAnomaly, cameraID: "door-1", lines: ["door-1/door"], threshold: 4.5,
                                weeks: 6, minimumVolume: 10, holdSeconds: 0)
            for rule in [lobby, down, site, odd] {
                try await store.saveAlertRule(rule, audit: audit("alert-rule.create", "alert-rule:\(rule.id)", at: 1))
            }
            #expect(try await store.alertRules() == [down, lobby, odd, site])
            lobby.threshold = 25
            lobby.enabled = false
            try await store.saveAlertRule(lobby, audit: audit("alert-rule.update", "alert-rule:\(lobby.id)", at: 2))
            #expect(try await store.alertRule(id: lobby.id) == lobby)
            #expect(try await store.alertRule(id: UUID()) == nil)

            await #expect(throws: StorageError.invalidInput(field: "rule.camera", reason: "no camera with id \"gone\"")) {
                try await store.saveAlertRule(AlertRule(name: "x", kind: .cameraDown, cameraID: "gone"), audit: audit("a", "b", at: 3))
            }
            await #expect(throws: StorageError.invalidInput(field: "rule.site", reason: "no site with id \"mall\"")) {
                try await store.saveAlertRule(AlertRule(name: "x", kind: .siteOccupancy, siteID: "mall", threshold: 3),
                                              audit: audit("a", "b", at: 3))
            }
            await #expect(throws: StorageError.invalidInput(field: "rule.threshold",
                                                            reason: "a zone-occupancy rule needs a capacity of 0 or more people")) {
                try await store.saveAlertRule(AlertRule(name: "x", kind: .zoneOccupancy), audit: audit("a", "b", at: 3))
            }
            await #expect(throws: StorageError.invalidInput(field: "rule.holdSeconds", reason: "give 0 to 604800 seconds")) {
                try await store.saveAlertRule(AlertRule(name: "x", kind: .cameraDown, holdSeconds: -1), audit: audit("a", "b", at: 3))
            }

            try await store.deleteAlertRule(id: down.id, audit: audit("alert-rule.delete", "alert-rule:\(down.id)", at: 4))
            #expect(try await store.alertRules().map(\.id) == [lobby.id, odd.id, site.id])
            await #expect(throws: StorageError.notFound(field: "rule.id", reason: "no alert rule with id \(down.id.uuidString.lowercased())")) {
                try await store.deleteAlertRule(id: down.id, audit: audit("alert-rule.delete", "alert-rule:\(down.id)", at: 5))
            }
            #expect(try await store.auditEntries(AuditQuery()).map(\.action).prefix(6)
                == ["alert-rule.delete", "alert-rule.update", "alert-rule.create", "alert-rule.create", "alert-rule.create",
                    "alert-rule.create"])
        }
    }

    @Test(arguments: Backend.available)
    func oneAlertIsOpenPerRuleAndSubjectUntilResolved(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1"))
            let rule = occupancyRule()
            try await store.saveAlertRule(rule, audit: audit("alert-rule.create", "alert-rule:\(rule.id)"))

            let first = alert(rule, at: 10)
            let (opened, created) = try await store.openAlert(first)
            #expect(created && opened == first && opened.state == .firing)
            // A second firing for the same subject is the first one, still open.
            let (again, createdAgain) = try await store.openAlert(alert(rule, at: 20))
            #expect(!createdAgain && again == first)
            // Another subject of the same rule is another alert.
            let queue = alert(rule, subject: "camera:door-1/zone:queue", at: 21)
            #expect(try await store.openAlert(queue).created)

            let acknowledged = try await store.acknowledgeAlert(id: first.id, by: "alice", audit: audit("alert.acknowledge", "alert:1", at: 30))
            #expect(acknowledged.state == .acknowledged && acknowledged.acknowledgedBy == "alice" && acknowledged.acknowledgedAt == Self.at(30))
            #expect(try await store.acknowledgeAlert(id: first.id, by: "bob", audit: audit("alert.acknowledge", "alert:1", at: 31)) == acknowledged)

            let resolved = try await store.resolveAlert(id: first.id, at: Self.at(40))
            #expect(resolved?.state == .resolved && resolved?.resolvedAt == Self.at(40))
            #expect(try await store.resolveAlert(id: first.id, at: Self.at(41)) == nil)
            await #expect(throws: StorageError.conflict(field: "alert.id", reason: "the alert is already resolved")) {
                try await store.acknowledgeAlert(id: first.id, by: "bob", audit: audit("alert.acknowledge", "alert:1", at: 42))
            }
            let unknown = UUID()
            await #expect(throws: StorageError.notFound(field: "alert.id", reason: "no alert with id \(unknown.uuidString.lowercased())")) {
                try await store.acknowledgeAlert(id: unknown, by: "bob", audit: audit("alert.acknowledge", "alert:x", at: 42))
            }

            // Once resolved, the subject may fire again: a new alert.
            let second = alert(rule, at: 50)
            #expect(try await store.openAlert(second).created)
            #expect(try await store.alerts(AlertQuery(openOnly: true)).map(\.id) == [second.id, queue.id])
            #expect(try await store.alerts(AlertQuery()).map(\.id) == [second.id, queue.id, first.id])
            #expect(try await store.alerts(AlertQuery(from: Self.at(15), to: Self.at(50))).map(\.id) == [queue.id])
            #expect(try await store.alerts(AlertQuery(limit: 1)).map(\.id) == [second.id])
            #expect(try await store.alerts(AlertQuery(cameraID: "other")).isEmpty)
            // Only the acknowledgement was audited (once), with the rule.
            #expect(try await store.auditEntries(AuditQuery()).map(\.action) == ["alert.acknowledge", "alert-rule.create", "camera.create"])

            // Deleting the rule resolves its open alerts and keeps them all for history.
            let closed = try await store.deleteAlertRule(id: rule.id, audit: audit("alert-rule.delete", "alert-rule:\(rule.id)", at: 60))
            #expect(Set(closed.map(\.id)) == [second.id, queue.id])
            #expect(closed.allSatisfy { $0.resolvedAt == Self.at(60) && $0.ruleID == nil })
            let kept = try await store.alerts(AlertQuery())
            #expect(kept.count == 3 && kept.allSatisfy { $0.state == .resolved && $0.ruleID == nil })
            await #expect(throws: StorageError.self) { try await store.openAlert(alert(rule, at: 70)) }
        }
    }

    @Test(arguments: Backend.available)
    func alertsCanBeReadForTheCamerasAndSitesOfACaller(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveSite(Site(id: "north", name: "North"), audit: audit("site.save", "site:north"))
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1"))
            let rule = occupancyRule()
            try await store.saveAlertRule(rule, audit: audit("alert-rule.create", "alert-rule:\(rule.id)"))
            let door = alert(rule, at: 1)
            var north = alert(rule, subject: "site:north", at: 2)
            north.cameraID = nil
            north.siteID = "north"
            var south = alert(rule, subject: "site:south", at: 3)
            south.cameraID = nil
            south.siteID = "south"
            for alert in [door, north, south] { _ = try await store.openAlert(alert) }
            var query = AlertQuery()
            query.visibleTo = (cameraIDs: ["door-1"], siteIDs: ["north"])
            #expect(try await store.alerts(query).map(\.id) == [north.id, door.id])
            query.visibleTo = (cameraIDs: [], siteIDs: [])
            #expect(try await store.alerts(query).isEmpty)
            query.visibleTo = nil
            #expect(try await store.alerts(query).count == 3)
        }
    }

    @Test(arguments: Backend.available)
    func racingMonitorsOpenOneAlert(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1"))
            let rule = occupancyRule()
            try await store.saveAlertRule(rule, audit: audit("alert-rule.create", "alert-rule:\(rule.id)"))
            let created = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<8 { group.addTask { try await store.openAlert(alert(rule, at: Double(n))).created } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(created == 1)
            #expect(try await store.alerts(AlertQuery(openOnly: true)).count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func alertsAndRulesStayInTheirTenant(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveTenant(Self.tenantB)
            let other = store.scoped(to: Self.tenantB.id)
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1"))
            let rule = occupancyRule()
            try await store.saveAlertRule(rule, audit: audit("alert-rule.create", "alert-rule:\(rule.id)"))
            let fired = alert(rule, at: 1)
            _ = try await store.openAlert(fired)
            #expect(try await other.alertRules().isEmpty)
            #expect(try await other.alerts(AlertQuery()).isEmpty)
            await #expect(throws: StorageError.self) {
                try await other.acknowledgeAlert(id: fired.id, by: "mallory", audit: audit("alert.acknowledge", "alert:x", at: 2))
            }
            #expect(try await other.resolveAlert(id: fired.id, at: Self.at(3)) == nil)
            await #expect(throws: StorageError.self) {
                try await other.deleteAlertRule(id: rule.id, audit: audit("alert-rule.delete", "x", at: 4))
            }
            // The same rule id cannot be taken over from another tenant.
            await #expect(throws: StorageError.self) {
                try await other.saveAlertRule(AlertRule(id: rule.id, name: "stolen", kind: .cameraDown), audit: audit("a", "b", at: 5))
            }
            #expect(try await store.alertRule(id: rule.id) == rule)
            #expect(try await store.alerts(AlertQuery(openOnly: true)) == [fired])
        }
    }
}
