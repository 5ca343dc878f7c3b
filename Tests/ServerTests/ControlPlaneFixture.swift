import CountingCore
import FootfallTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Messaging
import Prometheus
import Server
import Storage
import Synchronization
import Testing

/// An API with users of every role in two tenants, on the in-memory store unless given another,
/// with time in the test's hands: the wall clock for sessions and audit, a manual clock for throttling windows.
final class ControlPlaneFixture: Sendable {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let password = "correct horse battery"
    static let otherTenant = UUID(uuidString: "00000000-0000-4000-8000-0000000000b2")!

    let store: any FootfallStore
    let live = InMemoryLiveState()
    let bus = InProcessEventBus()
    let throttleClock = ManualClock()
    let wallClock = WallClock(start: ControlPlaneFixture.start)
    let sessions = InMemorySessionCache()
    let inbox = InProcessDetectionInbox()
    let workers = InMemoryWorkerRegistry()
    let files: any FileStore
    let limiter: InMemoryRateLimiter
    /// Bearer tokens of each role in the default tenant, and of an administrator of the other tenant.
    let tokens: [Role: String]
    let otherAdminToken: String
    let users: [Role: User]

    /// A wall clock the test moves.
    final class WallClock: Sendable {
        private let date: Mutex<Date>
        init(start: Date) { date = Mutex(start) }
        var now: Date { date.withLock { $0 } }
        func advance(by seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// A bcrypt hash made once for every fixture (cost 4: fast, as the tests need).
    static let passwordHash = Bcrypt.hash(password, cost: 4)

    init(store: any FootfallStore = InMemoryStore(), files: any FileStore = InMemoryFileStore()) async throws {
        self.store = store
        self.files = files
        limiter = InMemoryRateLimiter(clock: throttleClock)
        try await store.saveTenant(Tenant(id: Self.otherTenant, name: "Other"))
        let audit = AuditEntry(time: Self.start, username: "system", action: "test.setup", target: "fixture")
        var users: [Role: User] = [:]
        var tokens: [Role: String] = [:]
        for role in Role.allCases {
            let user = User(tenantID: Tenant.defaultID, username: "\(role.rawValue)-user", passwordHash: Self.passwordHash,
                            role: role, created: Self.start)
            try await store.createUser(user, audit: audit)
            let token = Authenticator.newToken()
            try await store.createCredential(Credential(tenantID: Tenant.defaultID, userID: user.id, kind: .apiToken, name: "test",
                                                        tokenHash: token.hash, created: Self.start, expires: nil), audit: nil)
            users[role] = user
            tokens[role] = token.secret
        }
        let other = store.scoped(to: Self.otherTenant)
        let otherAdmin = User(tenantID: Self.otherTenant, username: "other-admin", passwordHash: Self.passwordHash, role: .admin,
                              created: Self.start)
        try await other.createUser(otherAdmin, audit: audit)
        let otherToken = Authenticator.newToken()
        try await other.createCredential(Credential(tenantID: Self.otherTenant, userID: otherAdmin.id, kind: .apiToken,
                                                    tokenHash: otherToken.hash, created: Self.start, expires: nil), audit: nil)
        self.users = users
        self.tokens = tokens
        self.otherAdminToken = otherToken.secret
    }

    var dependencies: ServerDependencies {
        let wallClock = wallClock
        return ServerDependencies(store: store, live: live, bus: bus, metrics: PrometheusCollectorRegistry(),
                                  inbox: inbox, rateLimiter: limiter, sessions: sessions, files: files, workers: workers,
                                  clock: { wallClock.now })
    }

    static let configuration = ServerConfiguration(
        host: "127.0.0.1", port: 0, authentication: Authenticator.Settings(sessionLifetime: .seconds(3_600), bcryptCost: 4))

    func router() -> FootfallRouter {
        buildRouter(configuration: Self.configuration, dependencies: dependencies)
    }

    func app() -> some ApplicationProtocol {
        buildApplication(configuration: Self.configuration, dependencies: dependencies, logger: .init(label: "test"))
    }

    /// The API token of a new viewer of the default tenant granted only `site` (which must exist).
    func siteViewerToken(_ site: String) async throws -> String {
        let user = User(tenantID: Tenant.defaultID, username: "\(site)-viewer", passwordHash: Self.passwordHash, role: .viewer,
                        sites: [site], created: Self.start)
        try await store.createUser(user, audit: AuditEntry(time: Self.start, username: "system", action: "test", target: "test"))
        let token = Authenticator.newToken()
        try await store.createCredential(Credential(tenantID: Tenant.defaultID, userID: user.id, kind: .apiToken, name: "t",
                                                    tokenHash: token.hash, created: Self.start, expires: nil), audit: nil)
        return token.secret
    }

    /// Adds a camera to the default tenant directly in the store.
    func seedCamera(_ id: String = "door", site: String? = nil) async throws {
        try await store.saveCamera(Camera(
            id: id, name: "Door", source: "rtsp://admin:hunter2@10.0.0.9/stream",
            geometry: Geometry(lines: [CountingLine(name: "entrance", a: Point(x: 10, y: 10), b: Point(x: 10, y: 200))]),
            siteID: site))
    }
}

/// Sends a request with an optional bearer token and JSON body; returns the status and the body as JSON.
func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String? = nil,
          body: String? = nil, headers extra: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, json: [String: Any],
                                                                               headers: HTTPFields) {
    var headers = extra
    if let token { headers[.authorization] = "Bearer \(token)" }
    if body != nil { headers[.contentType] = "application/json" }
    return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (response.status, json, response.headers)
    }
}

/// The `field` of an API error body.
func errorField(_ json: [String: Any]) -> String? {
    (json["error"] as? [String: Any])?["field"] as? String
}
