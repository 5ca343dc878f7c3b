import CountingCore
import FootfallTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import Prometheus
import Server
import Storage
import Testing

/// Every API route × every role (and no credentials): 401 without credentials, 403 below the
/// route's role, 2xx at or above it. Each pair runs on a fresh installation, since some
/// requests delete what others need.
struct RouteAccessTests {
    /// A request that succeeds for a caller allowed to make it.
    typealias Sample = @Sendable (ControlPlaneFixture, Role?) async throws -> (uri: String, body: String?)

    static func tokenID(_ fixture: ControlPlaneFixture, _ role: Role?) async throws -> String {
        guard let role, let user = fixture.users[role] else { return UUID().uuidString }
        return try await fixture.store.credentials(userID: user.id).first?.id.uuidString ?? UUID().uuidString
    }

    static func targetUser(_ fixture: ControlPlaneFixture) async throws -> String {
        try await fixture.store.user(username: "target")?.id.uuidString ?? UUID().uuidString
    }

    /// A rule on the door camera, stored directly (its audit row comes before the request's).
    static func alertRule(_ fixture: ControlPlaneFixture) async throws -> AlertRule {
        let rule = AlertRule(name: "door down", kind: .cameraDown, cameraID: "door")
        try await fixture.store.saveAlertRule(rule, audit: .init(time: .now, username: "t", action: "t", target: "t"))
        return rule
    }

    static func openAlert(_ fixture: ControlPlaneFixture) async throws -> String {
        let rule = try await alertRule(fixture)
        return try await fixture.store.openAlert(Alert(ruleID: rule.id, kind: .cameraDown, severity: .warning, subject: "camera:door",
                                                       cameraID: "door", message: "down", firedAt: ControlPlaneFixture.start)).alert.id.uuidString
    }

    static let geometry = #"{"lines":[{"name":"door","a":[10,10],"b":[10,100]}],"zones":[]}"#

    /// One request per route, by "METHOD path".
    static let samples: [String: Sample] = [
        "POST /api/v1/cameras/:id/detections": { _, _ in
            ("/api/v1/cameras/door/detections", #"{"frames":[{"time":"2027-01-15T08:00:00Z","people":[]}]}"#)
        },
        "POST /api/v1/sessions": { _, role in
            (#"/api/v1/sessions"#, #"{"username":"\#(role?.rawValue ?? "viewer")-user","password":"\#(ControlPlaneFixture.password)"}"#)
        },
        "GET /api/v1/sessions/check": { _, _ in ("/api/v1/sessions/check", nil) },
        "GET /api/v1/sessions/current": { _, _ in ("/api/v1/sessions/current", nil) },
        "DELETE /api/v1/sessions/current": { _, _ in ("/api/v1/sessions/current", nil) },
        "PUT /api/v1/sessions/current/password": { _, _ in
            ("/api/v1/sessions/current/password", #"{"current":"\#(ControlPlaneFixture.password)","new":"a new long password"}"#)
        },
        "GET /api/v1/users": { _, _ in ("/api/v1/users", nil) },
        "POST /api/v1/users": { _, _ in ("/api/v1/users", #"{"username":"new-user","password":"another long one","role":"viewer"}"#) },
        "GET /api/v1/users/:id": { fixture, _ in ("/api/v1/users/\(try await targetUser(fixture))", nil) },
        "PATCH /api/v1/users/:id": { fixture, _ in ("/api/v1/users/\(try await targetUser(fixture))", #"{"role":"operator"}"#) },
        "DELETE /api/v1/users/:id": { fixture, _ in ("/api/v1/users/\(try await targetUser(fixture))", nil) },
        "DELETE /api/v1/users/:id/sessions": { fixture, _ in ("/api/v1/users/\(try await targetUser(fixture))/sessions", nil) },
        "POST /api/v1/users/:id/tokens": { fixture, _ in ("/api/v1/users/\(try await targetUser(fixture))/tokens", #"{"name":"robot"}"#) },
        "GET /api/v1/users/:id/export": { fixture, _ in ("/api/v1/users/\(try await targetUser(fixture))/export", nil) },
        "POST /api/v1/users/:id/erase": { fixture, _ in ("/api/v1/users/\(try await targetUser(fixture))/erase", nil) },
        "GET /api/v1/tokens": { _, _ in ("/api/v1/tokens", nil) },
        "POST /api/v1/tokens": { _, _ in ("/api/v1/tokens", #"{"name":"script","expiresInDays":30}"#) },
        "DELETE /api/v1/tokens/:id": { fixture, role in ("/api/v1/tokens/\(try await tokenID(fixture, role))", nil) },
        "GET /api/v1/sites": { _, _ in ("/api/v1/sites", nil) },
        "PUT /api/v1/sites/:id": { _, _ in ("/api/v1/sites/lobby", #"{"name":"Lobby","timeZone":"Europe/Paris"}"#) },
        "DELETE /api/v1/sites/:id": { _, _ in ("/api/v1/sites/spare", nil) },
        "GET /api/v1/cameras": { _, _ in ("/api/v1/cameras", nil) },
        "POST /api/v1/cameras": { _, _ in ("/api/v1/cameras", #"{"id":"new-cam","name":"New","source":"rtsp://10.0.0.7/s"}"#) },
        "GET /api/v1/cameras/:id": { _, _ in ("/api/v1/cameras/door", nil) },
        "PATCH /api/v1/cameras/:id": { _, _ in ("/api/v1/cameras/door", #"{"name":"Front door"}"#) },
        "DELETE /api/v1/cameras/:id": { _, _ in ("/api/v1/cameras/door", nil) },
        "GET /api/v1/cameras/:id/geometry": { _, _ in ("/api/v1/cameras/door/geometry", nil) },
        "PUT /api/v1/cameras/:id/geometry": { _, _ in ("/api/v1/cameras/door/geometry", geometry) },
        "GET /api/v1/cameras/:id/geometry/versions": { _, _ in ("/api/v1/cameras/door/geometry/versions", nil) },
        "GET /api/v1/cameras/:id/counts": { _, _ in ("/api/v1/cameras/door/counts", nil) },
        "GET /api/v1/cameras/:id/snapshot.jpg": { _, _ in ("/api/v1/cameras/door/snapshot.jpg", nil) },
        "GET /api/v1/cameras/:id/events": { _, _ in ("/api/v1/cameras/door/events", nil) },
        "GET /api/v1/audit": { _, _ in ("/api/v1/audit", nil) },
        "GET /api/v1/live": { _, _ in ("/api/v1/live", nil) },
        "GET /api/v1/live/ws": { _, _ in ("/api/v1/live/ws", nil) },
        "GET /api/v1/alert-rules": { _, _ in ("/api/v1/alert-rules", nil) },
        "POST /api/v1/alert-rules": { _, _ in ("/api/v1/alert-rules", #"{"name":"door down","kind":"camera-down","camera":"door"}"#) },
        "GET /api/v1/alert-rules/:id": { fixture, _ in ("/api/v1/alert-rules/\(try await alertRule(fixture).id)", nil) },
        "PUT /api/v1/alert-rules/:id": { fixture, _ in
            ("/api/v1/alert-rules/\(try await alertRule(fixture).id)", #"{"name":"door down","kind":"camera-down","holdSeconds":5}"#)
        },
        "DELETE /api/v1/alert-rules/:id": { fixture, _ in ("/api/v1/alert-rules/\(try await alertRule(fixture).id)", nil) },
        "GET /api/v1/alerts": { _, _ in ("/api/v1/alerts", nil) },
        "GET /api/v1/analytics/footfall": { _, _ in ("/api/v1/analytics/footfall?camera=door", nil) },
        "GET /api/v1/analytics/occupancy": { _, _ in ("/api/v1/analytics/occupancy?site=spare", nil) },
        "GET /api/v1/analytics/conversion": { _, _ in ("/api/v1/analytics/conversion?entrance=door/entrance&checkout=door/entrance", nil) },
        "GET /api/v1/analytics/dwell": { fixture, _ in
            try await fixture.store.saveCamera(Camera(id: "hall", name: "Hall", source: "external", geometry: Geometry(
                zones: [Zone(name: "queue", polygon: [Point(x: 0, y: 0), Point(x: 9, y: 0), Point(x: 9, y: 9)])])))
            return ("/api/v1/analytics/dwell?zone=hall/queue", nil)
        },
        "GET /api/v1/analytics/report": { _, _ in ("/api/v1/analytics/report?site=spare&format=csv", nil) },
        "GET /api/v1/reports": { _, _ in ("/api/v1/reports", nil) },
        "GET /api/v1/models": { _, _ in ("/api/v1/models", nil) },
        "GET /api/v1/workers": { _, _ in ("/api/v1/workers", nil) },
        "GET /api/v1/snapshots": { _, _ in ("/api/v1/snapshots", nil) },
        "GET /api/v1/exports": { _, _ in ("/api/v1/exports", nil) },
        "POST /api/v1/cameras/:id/exports": { _, _ in ("/api/v1/cameras/door/exports", nil) },
        "POST /api/v1/cameras/:id/snapshots": { _, _ in ("/api/v1/cameras/door/snapshots", nil) },
        "GET /api/v1/models/logs": { _, _ in ("/api/v1/models/logs?camera=door", nil) },
        "GET /api/v1/files/:id": { fixture, _ in
            let file = StoredFile(kind: .report, key: "reports/spare.csv", name: "spare.csv", contentType: "text/csv", size: 1,
                                  sha256: Array(repeating: 0, count: 32), siteID: "spare", created: ControlPlaneFixture.start)
            try await fixture.files.put(Data("x".utf8), key: file.key, contentType: file.contentType)
            try await fixture.store.addFile(file)
            return ("/api/v1/files/\(file.id)", nil)
        },
        "POST /api/v1/alerts/:id/acknowledge": { fixture, _ in ("/api/v1/alerts/\(try await openAlert(fixture))/acknowledge", nil) },
    ]

    static let routes: [RouteSpec] = buildRouter(dependencies: ServerDependencies(
        store: InMemoryStore(), live: InMemoryLiveState(), bus: InProcessEventBus(), metrics: PrometheusCollectorRegistry())).routes

    @Test func everyRouteHasASample() {
        let keys = Set(Self.routes.map { "\($0.method) \($0.path)" })
        #expect(keys == Set(Self.samples.keys))
        #expect(Self.routes.count == keys.count, "no route is added twice")
    }

    @Test func theTableStatesRolesAsTheIssueAsks() {
        func access(_ method: String, _ path: String) -> Access? {
            Self.routes.first { $0.method == method && $0.path == "/api/v1/" + path }?.access
        }
        #expect(access("POST", "sessions") == .open)
        #expect(access("GET", "cameras") == .role(.viewer))
        #expect(access("POST", "cameras") == .role(.operator))
        #expect(access("PUT", "cameras/:id/geometry") == .role(.operator))
        #expect(access("POST", "users") == .role(.admin))
        #expect(access("GET", "audit") == .role(.admin))
        let counts = Dictionary(grouping: Self.routes, by: \.access).mapValues(\.count)
        // Open: signing in, and asking whether one is signed in (which reveals nothing else).
        #expect(Set(Self.routes.filter { $0.access == .open }.map { "\($0.method) \($0.path)" })
                == ["POST /api/v1/sessions", "GET /api/v1/sessions/check"])
        #expect(counts[.role(.viewer)]! > 5 && counts[.role(.operator)]! > 3 && counts[.role(.admin)]! > 5)
    }

    /// Mutating routes that change nothing an operator manages: pushed detections are data.
    static let unaudited: Set<String> = ["POST /api/v1/cameras/:id/detections"]

    @Test(arguments: Self.routes)
    func accessFollowsTheRoutesRole(route: RouteSpec) async throws {
        let sample = try #require(Self.samples["\(route.method) \(route.path)"])
        for caller in [nil] + Role.allCases.map(Optional.some) {
            let fixture = try await ControlPlaneFixture()
            try await fixture.seedCamera()
            try await fixture.store.saveSite(Site(id: "spare", name: "Spare"), audit: .init(time: .now, username: "t", action: "t", target: "t"))
            try await fixture.store.createUser(User(tenantID: Tenant.defaultID, username: "target", passwordHash: ControlPlaneFixture.passwordHash,
                                                    role: .viewer, created: ControlPlaneFixture.start),
                                               audit: .init(time: .now, username: "t", action: "t", target: "t"))
            await fixture.live.putSnapshot(cameraID: "door", jpeg: [0xFF, 0xD8, 0xFF, 0xD9])
            await fixture.live.putSnapshot(cameraID: "door", kind: .blurred, jpeg: [0xFF, 0xD8, 0xFF, 0xD9])
            let receiving = fixture.inbox.receive(cameraID: "door")
            _ = receiving
            let (uri, body) = try await sample(fixture, caller)
            let auditedBefore = try await fixture.store.auditEntries(AuditQuery(limit: 10_000)).count
            let token = caller.flatMap { fixture.tokens[$0] }
            let method = HTTPRequest.Method(rawValue: route.method)!
            let status = try await fixture.app().test(.router) { client in
                try await call(client, method, uri, token: token, body: body).status.code
            }
            let label = "\(route.method) \(route.path) as \(caller?.rawValue ?? "nobody")"
            // Every change leaves an audit row; a refused request leaves none.
            let audited = try await fixture.store.auditEntries(AuditQuery(limit: 10_000)).count - auditedBefore
            if route.method != "GET" && !Self.unaudited.contains("\(route.method) \(route.path)") {
                #expect(audited == ((200..<300).contains(status) ? 1 : 0), "\(label): \(status), \(audited) audit rows")
            }
            switch (route.access, caller) {
            case (.open, _):
                #expect((200..<300).contains(status), "\(label): \(status)")
            case (.role, nil):
                #expect(status == 401, "\(label): \(status)")
            case (.role(let needed), .some(let role)) where role < needed:
                #expect(status == 403, "\(label): \(status)")
            case (.role, .some):
                #expect((200..<300).contains(status), "\(label): \(status)")
            }
        }
    }
}
