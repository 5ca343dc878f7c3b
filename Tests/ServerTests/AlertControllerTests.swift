import CountingCore
import FootfallTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import Server
import Storage
import Synchronization
import Testing

/// Alert rules and alerts through the API: roles, audit, fields named, tenants and sites kept apart.
struct AlertControllerTests {
    static let queueRule = #"{"name":"Queue too long","kind":"zone-occupancy","camera":"door","threshold":8,"holdSeconds":30,"severity":"critical"}"#

    @Test func operatorsManageRulesViewersReadThemAndEveryChangeIsAudited() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.seedCamera()
        try await fixture.app().test(.router) { client in
            let created = try await call(client, .post, "/api/v1/alert-rules", token: fixture.tokens[.operator], body: Self.queueRule)
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["kind"] as? String == "zone-occupancy" && created.json["threshold"] as? Double == 8)
            #expect(created.json["clearSeconds"] as? Double == 60 && created.json["enabled"] as? Bool == true)

            #expect(try await call(client, .post, "/api/v1/alert-rules", token: fixture.tokens[.viewer], body: Self.queueRule).status
                == .forbidden)
            let listed = try await call(client, .get, "/api/v1/alert-rules", token: fixture.tokens[.viewer])
            #expect((listed.json["rules"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            #expect(try await call(client, .get, "/api/v1/alert-rules/\(id)", token: fixture.tokens[.viewer]).json["name"] as? String
                == "Queue too long")

            let edited = try await call(client, .put, "/api/v1/alert-rules/\(id)", token: fixture.tokens[.operator],
                                        body: #"{"name":"Queue","kind":"zone-occupancy","camera":"door","threshold":12,"enabled":false}"#)
            #expect(edited.status == .ok && edited.json["threshold"] as? Double == 12 && edited.json["enabled"] as? Bool == false)

            // Bad input: the field is named and nothing is stored.
            let noCapacity = try await call(client, .post, "/api/v1/alert-rules", token: fixture.tokens[.operator],
                                            body: #"{"name":"x","kind":"zone-occupancy"}"#)
            #expect(noCapacity.status == .badRequest && errorField(noCapacity.json) == "rule.threshold")
            let badKind = try await call(client, .post, "/api/v1/alert-rules", token: fixture.tokens[.operator],
                                         body: #"{"name":"x","kind":"sunspots"}"#)
            #expect(badKind.status == .badRequest && errorField(badKind.json) == "kind")
            let unknownField = try await call(client, .post, "/api/v1/alert-rules", token: fixture.tokens[.operator],
                                              body: #"{"name":"x","kind":"camera-down","capacity":3}"#)
            #expect(unknownField.status == .badRequest && errorField(unknownField.json) == "capacity")
            let noCamera = try await call(client, .post, "/api/v1/alert-rules", token: fixture.tokens[.operator],
                                          body: #"{"name":"x","kind":"camera-down","camera":"moon"}"#)
            #expect(noCamera.status == .badRequest && errorField(noCamera.json) == "camera")
            #expect(try await call(client, .get, "/api/v1/alert-rules/not-a-uuid", token: fixture.tokens[.viewer]).status == .notFound)

            #expect(try await call(client, .delete, "/api/v1/alert-rules/\(id)", token: fixture.tokens[.operator]).status == .noContent)
            #expect(try await call(client, .get, "/api/v1/alert-rules/\(id)", token: fixture.tokens[.viewer]).status == .notFound)
            #expect(try await fixture.store.alertRules().isEmpty)
            let audit = try await fixture.store.auditEntries(AuditQuery(target: "alert-rule:\(id)"))
            #expect(audit.map(\.action) == ["alert-rule.delete", "alert-rule.update", "alert-rule.create"])
            #expect(audit.allSatisfy { $0.username == "operator-user" })
        }
    }

    @Test func alertsAreListedAcknowledgedOnceAndPublished() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.seedCamera()
        let audit = AuditEntry(time: ControlPlaneFixture.start, username: "system", action: "test", target: "test")
        let rule = AlertRule(name: "down", kind: .cameraDown, cameraID: "door")
        try await fixture.store.saveAlertRule(rule, audit: audit)
        let (alert, _) = try await fixture.store.openAlert(Alert(ruleID: rule.id, kind: .cameraDown, severity: .warning,
                                                                 subject: "camera:door", cameraID: "door", message: "Camera Door is stalled",
                                                                 firedAt: ControlPlaneFixture.start))
        let messages = fixture.bus.subscribe()
        try await fixture.app().test(.router) { client in
            let open = try await call(client, .get, "/api/v1/alerts", token: fixture.tokens[.viewer])
            let items = try #require(open.json["alerts"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["state"] as? String == "firing" && items[0]["subject"] as? String == "camera:door")
            #expect(try await call(client, .post, "/api/v1/alerts/\(alert.id)/acknowledge", token: fixture.tokens[.viewer]).status
                == .forbidden)
            let acknowledged = try await call(client, .post, "/api/v1/alerts/\(alert.id)/acknowledge", token: fixture.tokens[.operator])
            #expect(acknowledged.status == .ok && acknowledged.json["state"] as? String == "acknowledged")
            #expect(acknowledged.json["acknowledgedBy"] as? String == "operator-user")
            // Twice is once: same answer, no second audit row or message.
            let again = try await call(client, .post, "/api/v1/alerts/\(alert.id)/acknowledge", token: fixture.tokens[.admin])
            #expect(again.status == .ok && again.json["acknowledgedBy"] as? String == "operator-user")
            #expect(try await call(client, .post, "/api/v1/alerts/\(UUID())/acknowledge", token: fixture.tokens[.operator]).status
                == .notFound)
            _ = try await fixture.store.resolveAlert(id: alert.id, at: ControlPlaneFixture.start.addingTimeInterval(60))
            #expect((try await call(client, .get, "/api/v1/alerts", token: fixture.tokens[.viewer]).json["alerts"] as? [Any])?.isEmpty == true)
            let all = try await call(client, .get, "/api/v1/alerts?state=all&camera=door", token: fixture.tokens[.viewer])
            #expect((all.json["alerts"] as? [[String: Any]])?.first?["state"] as? String == "resolved")
            #expect(errorField(try await call(client, .get, "/api/v1/alerts?state=some", token: fixture.tokens[.viewer]).json) == "state")
            #expect(try await call(client, .get, "/api/v1/alerts?camera=moon", token: fixture.tokens[.viewer]).status == .notFound)
            let late = try await call(client, .post, "/api/v1/alerts/\(alert.id)/acknowledge", token: fixture.tokens[.operator])
            #expect(late.status == .conflict)
            // Another tenant sees none of it.
            #expect((try await call(client, .get, "/api/v1/alerts?state=all", token: fixture.otherAdminToken).json["alerts"] as? [Any])?.isEmpty == true)
            #expect(try await call(client, .post, "/api/v1/alerts/\(alert.id)/acknowledge", token: fixture.otherAdminToken).status
                == .notFound)
        }
        #expect(try await fixture.store.auditEntries(AuditQuery(action: "alert.acknowledge")).count == 1)
        var iterator = messages.makeAsyncIterator()
        guard case .alert(let change) = await iterator.next() else { Issue.record("no alert message"); return }
        #expect(change.alert.id == alert.id && change.alert.state == .acknowledged && change.tenantID == Tenant.defaultID)
    }

    @Test func anAcknowledgementGoesToTheWebhookQueueAndADeletedCamerasAlertsStayInHistory() async throws {
        final class Queue: WebhookQueue {
            let changes = Mutex<[LiveMessage.AlertChange]>([])
            func enqueue(_ event: WebhookEvent) async throws {
                if case .alert(let change) = event { changes.withLock { $0.append(change) } }
            }
        }
        let fixture = try await ControlPlaneFixture()
        try await fixture.seedCamera()
        let audit = AuditEntry(time: ControlPlaneFixture.start, username: "system", action: "test", target: "test")
        let rule = AlertRule(name: "down", kind: .cameraDown, cameraID: "door")
        try await fixture.store.saveAlertRule(rule, audit: audit)
        let (alert, _) = try await fixture.store.openAlert(Alert(ruleID: rule.id, kind: .cameraDown, severity: .warning, subject: "camera:door",
                                                                 cameraID: "door", message: "down", firedAt: ControlPlaneFixture.start))
        let queue = Queue()
        var dependencies = fixture.dependencies
        dependencies.alertDeliveries = queue
        let app = buildApplication(configuration: ControlPlaneFixture.configuration, dependencies: dependencies, logger: .init(label: "test"))
        try await app.test(.router) { client in
            #expect(try await call(client, .post, "/api/v1/alerts/\(alert.id)/acknowledge", token: fixture.tokens[.operator]).status == .ok)
            #expect(queue.changes.withLock { $0.map(\.alert.state) } == [.acknowledged])
            #expect(try await call(client, .delete, "/api/v1/alert-rules/\(rule.id)", token: fixture.tokens[.operator]).status == .noContent)
            #expect(queue.changes.withLock { $0.map(\.alert.state) } == [.acknowledged, .resolved])
            #expect(try await call(client, .delete, "/api/v1/cameras/door", token: fixture.tokens[.operator]).status == .noContent)
            let history = try await call(client, .get, "/api/v1/alerts?state=all", token: fixture.tokens[.viewer])
            #expect((history.json["alerts"] as? [[String: Any]])?.map { $0["subject"] as? String } == ["camera:door"])
        }
    }

    @Test func aUserOfSomeSitesSeesAndWatchesOnlyThose() async throws {
        let fixture = try await ControlPlaneFixture()
        let audit = AuditEntry(time: ControlPlaneFixture.start, username: "system", action: "test", target: "test")
        for site in ["north", "south"] { try await fixture.store.saveSite(Site(id: site, name: site), audit: audit) }
        try await fixture.seedCamera("n1", site: "north")
        try await fixture.seedCamera("s1", site: "south")
        let northOperator = User(tenantID: Tenant.defaultID, username: "north-op", passwordHash: ControlPlaneFixture.passwordHash,
                                 role: .operator, sites: ["north"], created: ControlPlaneFixture.start)
        try await fixture.store.createUser(northOperator, audit: audit)
        let token = Authenticator.newToken()
        try await fixture.store.createCredential(Credential(tenantID: Tenant.defaultID, userID: northOperator.id, kind: .apiToken,
                                                            tokenHash: token.hash, created: ControlPlaneFixture.start, expires: nil),
                                                 audit: nil)
        let south = AlertRule(name: "south down", kind: .cameraDown, cameraID: "s1")
        let everywhere = AlertRule(name: "all down", kind: .cameraDown)
        try await fixture.store.saveAlertRule(south, audit: audit)
        try await fixture.store.saveAlertRule(everywhere, audit: audit)
        for camera in ["n1", "s1"] {
            _ = try await fixture.store.openAlert(Alert(ruleID: everywhere.id, kind: .cameraDown, severity: .warning, subject: "camera:\(camera)",
                                                        cameraID: camera, siteID: camera == "n1" ? "north" : "south", message: "down",
                                                        firedAt: ControlPlaneFixture.start))
        }
        try await fixture.app().test(.router) { client in
            #expect((try await call(client, .get, "/api/v1/alert-rules", token: token.secret).json["rules"] as? [Any])?.isEmpty == true)
            let alerts = try await call(client, .get, "/api/v1/alerts", token: token.secret)
            #expect((alerts.json["alerts"] as? [[String: Any]])?.map { $0["subject"] as? String } == ["camera:n1"])
            #expect(try await call(client, .get, "/api/v1/alert-rules/\(south.id)", token: token.secret).status == .notFound)
            #expect(try await call(client, .delete, "/api/v1/alert-rules/\(south.id)", token: token.secret).status == .notFound)
            let wide = try await call(client, .post, "/api/v1/alert-rules", token: token.secret, body: #"{"name":"x","kind":"camera-down"}"#)
            #expect(wide.status == .forbidden)
            let other = try await call(client, .post, "/api/v1/alert-rules", token: token.secret,
                                       body: #"{"name":"x","kind":"camera-down","camera":"s1"}"#)
            #expect(other.status == .badRequest && errorField(other.json) == "camera")
            let mine = try await call(client, .post, "/api/v1/alert-rules", token: token.secret,
                                      body: #"{"name":"north full","kind":"site-occupancy","site":"north","threshold":50}"#)
            #expect(mine.status == .created)
            #expect((try await call(client, .get, "/api/v1/alert-rules", token: token.secret).json["rules"] as? [[String: Any]])?
                .map { $0["name"] as? String } == ["north full"])
        }
    }
}
