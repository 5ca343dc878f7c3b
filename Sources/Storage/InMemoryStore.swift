import CountingCore
import Foundation
import Synchronization

/// A store that keeps everything in memory: for tests and throw-away runs.
///
/// Every tenant's data lives in one shared table; `scoped(to:)` gives a view of another
/// tenant over the same data, as the database backends do.
public actor InMemoryStore: FootfallStore {
    /// One tenant's rows.
    struct TenantData {
        var cameras: [String: (camera: Camera, deleted: Bool)] = [:]
        var geometryVersions: [String: [GeometryVersion]] = [:]
        var crossingIDs: Set<String> = []
        var crossingRows: [CrossingRecord] = []
        /// Per camera: the newest lease recorded and when it began.
        var fences: [String: (token: Int64, acquiredAt: Date)] = [:]
        var results: [ResultKey: CountingResult] = [:]
        /// What each run last wrote of a minute (results with a run id).
        var runParts: [RunPartKey: CountingResult.RunPart] = [:]
        var events: [CameraEvent] = []
        var sites: [String: Site] = [:]
        var users: [UUID: User] = [:]
        var credentials: [UUID: Credential] = [:]
        var audit: [AuditEntry] = []
        var alertRules: [UUID: AlertRule] = [:]
        var alerts: [UUID: Alert] = [:]
        var files: [UUID: StoredFile] = [:]
        var models: [ModelKey: AIModel] = [:]
        var modelMinutes: [ModelMinuteKey: ModelMinute] = [:]
    }

    struct ModelKey: Hashable {
        var name: String
        var version: String
    }

    struct ModelMinuteKey: Hashable {
        var cameraID: String
        var model: ModelKey
        var minute: Date
    }

    struct ResultKey: Hashable {
        var cameraID: String
        var kind: CountingResult.Kind
        var name: String
        var minute: Date
    }

    struct RunPartKey: Hashable {
        var result: ResultKey
        var runID: String
    }

    struct Data {
        var tenants: [UUID: Tenant] = [Tenant.defaultID: Tenant(id: Tenant.defaultID, name: "Default")]
        var spaces: [UUID: TenantData] = [:]
    }

    /// The table every view shares; the lock makes each call one transaction.
    final class Shared: Sendable {
        let data = Mutex(Data())
    }

    let shared: Shared
    public nonisolated let tenantID: UUID

    public init() {
        self.init(shared: Shared(), tenantID: Tenant.defaultID)
    }

    private init(shared: Shared, tenantID: UUID) {
        self.shared = shared
        self.tenantID = tenantID
    }

    /// Runs `body` on this tenant's rows as one transaction: if it throws, nothing it changed is kept.
    /// With `adding`, the tenant must exist (rows are only added to a known tenant).
    func transaction<T>(adding: Bool = false, _ body: (inout TenantData) throws(StorageError) -> T) throws(StorageError) -> T {
        let tenantID = tenantID
        return try shared.data.withLock { (data: inout Data) throws(StorageError) -> T in
            if adding { try Self.requireTenant(tenantID, in: data) }
            var space = data.spaces[tenantID] ?? TenantData()
            let result = try body(&space)
            data.spaces[tenantID] = space
            return result
        }
    }

    private static func requireTenant(_ tenantID: UUID, in data: Data) throws(StorageError) {
        if data.tenants[tenantID] == nil {
            throw .invalidInput(field: "tenant", reason: "no tenant with id \(tenantID.uuidString.lowercased())")
        }
    }

    /// A camera may only name a site of its own tenant.
    private static func requireSite(of camera: Camera, in space: TenantData) throws(StorageError) {
        if let site = camera.siteID, space.sites[site] == nil {
            throw .invalidInput(field: "camera.siteID", reason: "no site with id \"\(site)\"")
        }
    }

    func read<T>(_ body: (TenantData) -> T) -> T {
        let tenantID = tenantID
        return shared.data.withLock { body($0.spaces[tenantID] ?? TenantData()) }
    }

    // MARK: Tenants

    public func tenants() -> [Tenant] {
        shared.data.withLock { $0.tenants.values.sorted { $0.name < $1.name } }
    }

    public func saveTenant(_ tenant: Tenant) throws {
        try tenant.validate()
        shared.data.withLock { $0.tenants[tenant.id] = tenant }
    }

    public nonisolated func scoped(to tenantID: UUID) -> any FootfallStore {
        InMemoryStore(shared: shared, tenantID: tenantID)
    }

    // MARK: Cameras

    public func saveCamera(_ camera: Camera) throws {
        try camera.validate()
        try requireFreeCameraID(camera.id)
        try transaction(adding: true) { (space: inout TenantData) throws(StorageError) in
            try Self.requireSite(of: camera, in: space)
            var camera = camera
            let versions = space.geometryVersions[camera.id] ?? []
            if let last = versions.last, last.geometry == camera.geometry {
                camera.geometryVersion = last.version
            } else {
                camera.geometryVersion = (versions.last?.version ?? 0) + 1
                space.geometryVersions[camera.id, default: []].append(
                    GeometryVersion(cameraID: camera.id, version: camera.geometryVersion, geometry: camera.geometry, created: Date()))
            }
            space.cameras[camera.id] = (camera, false)
        }
    }

    /// Camera ids are unique in the whole installation (live numbers are kept by camera id).
    private func requireFreeCameraID(_ id: String) throws(StorageError) {
        let tenantID = tenantID
        let taken = shared.data.withLock { data in
            data.spaces.contains { $0.key != tenantID && $0.value.cameras[id] != nil }
        }
        if taken { throw .conflict(field: "camera.id", reason: "a camera with id \"\(id)\" exists") }
    }

    public func cameras() -> [Camera] {
        read { $0.cameras.values.filter { !$0.deleted }.map(\.camera).sorted { $0.id < $1.id } }
    }

    public func camera(id: String) -> Camera? {
        read { space in space.cameras[id].flatMap { $0.deleted ? nil : $0.camera } }
    }

    public func createCamera(_ camera: Camera, audit: AuditEntry) throws {
        try camera.validate()
        try requireFreeCameraID(camera.id)
        try transaction(adding: true) { (space: inout TenantData) throws(StorageError) in
            if let existing = space.cameras[camera.id], !existing.deleted {
                throw .conflict(field: "camera.id", reason: "a camera with id \"\(camera.id)\" exists")
            }
            try Self.requireSite(of: camera, in: space)
            var camera = camera
            camera.geometryVersion = (space.geometryVersions[camera.id]?.last?.version ?? 0) + 1
            space.geometryVersions[camera.id, default: []].append(
                GeometryVersion(cameraID: camera.id, version: camera.geometryVersion, geometry: camera.geometry, created: audit.time))
            space.cameras[camera.id] = (camera, false)
            space.audit.append(audit)
        }
    }

    public func updateCamera(_ camera: Camera, audit: AuditEntry) throws {
        try camera.validate()
        try transaction { (space: inout TenantData) throws(StorageError) in
            guard let existing = space.cameras[camera.id], !existing.deleted else {
                throw .notFound(field: "camera.id", reason: "no camera with id \"\(camera.id)\"")
            }
            try Self.requireSite(of: camera, in: space)
            var camera = camera
            camera.geometry = existing.camera.geometry
            camera.geometryVersion = existing.camera.geometryVersion
            space.cameras[camera.id] = (camera, false)
            space.audit.append(audit)
        }
    }

    public func deleteCamera(id: String, audit: AuditEntry) throws {
        try transaction { (space: inout TenantData) throws(StorageError) in
            guard let existing = space.cameras[id], !existing.deleted else {
                throw .notFound(field: "camera.id", reason: "no camera with id \"\(id)\"")
            }
            space.cameras[id]?.deleted = true
            // Its tokens go with it: a camera added later under the same id is not theirs.
            space.credentials = space.credentials.filter { $0.value.cameraID != id }
            space.audit.append(audit)
        }
    }

    public func setGeometry(cameraID: String, geometry: Geometry, audit: AuditEntry) throws -> GeometryVersion {
        try transaction { (space: inout TenantData) throws(StorageError) -> GeometryVersion in
            guard var camera = space.cameras[cameraID].flatMap({ $0.deleted ? nil : $0.camera }) else {
                throw .notFound(field: "camera.id", reason: "no camera with id \"\(cameraID)\"")
            }
            camera.geometry = geometry
            try camera.validate()
            let version = GeometryVersion(cameraID: cameraID, version: (space.geometryVersions[cameraID]?.last?.version ?? 0) + 1,
                                          geometry: geometry, created: audit.time)
            camera.geometryVersion = version.version
            space.geometryVersions[cameraID, default: []].append(version)
            space.cameras[cameraID] = (camera, false)
            space.audit.append(audit)
            return version
        }
    }

    public func geometryVersions(cameraID: String) throws -> [GeometryVersion] {
        try transaction { (space: inout TenantData) throws(StorageError) -> [GeometryVersion] in
            guard let stored = space.cameras[cameraID], !stored.deleted else {
                throw .notFound(field: "camera.id", reason: "no camera with id \"\(cameraID)\"")
            }
            return space.geometryVersions[cameraID] ?? []
        }
    }

    // MARK: Counts

    public func storeCrossings(_ crossings: [CrossingRecord]) throws -> StoredCrossings {
        for (i, crossing) in crossings.enumerated() {
            try CrossingRecord.validate(crossing, index: i)
        }
        return try transaction { (space: inout TenantData) throws(StorageError) -> StoredCrossings in
            for (i, crossing) in crossings.enumerated() where space.cameras[crossing.cameraID] == nil {
                throw .invalidInput(field: "crossings[\(i)].cameraID", reason: "no camera with id \"\(crossing.cameraID)\"")
            }
            var stored = StoredCrossings(added: 0)
            for var crossing in crossings {
                let fence = space.fences[crossing.cameraID]
                if crossing.isFenced(newestToken: fence?.token, acquiredAt: fence?.acquiredAt) {
                    stored.fenced += 1
                    continue
                }
                guard space.crossingIDs.insert(crossing.id).inserted else { continue }
                crossing.leaseToken = nil
                crossing.countedAt = nil
                space.crossingRows.append(crossing)
                stored.added += 1
            }
            return stored
        }
    }

    /// Stores crossings as `storeCrossings` does and returns how many were new.
    @discardableResult
    public func insertCrossings(_ crossings: [CrossingRecord]) throws -> Int {
        try storeCrossings(crossings).added
    }

    @discardableResult
    public func recordLease(cameraID: String, token: Int64, acquiredAt: Date) throws -> Bool {
        try transaction { (space: inout TenantData) throws(StorageError) -> Bool in
            guard let camera = space.cameras[cameraID], !camera.deleted else {
                throw .invalidInput(field: "cameraID", reason: "no camera with id \"\(cameraID)\"")
            }
            if let fence = space.fences[cameraID], fence.token > token { return false }
            if space.fences[cameraID]?.token != token { space.fences[cameraID] = (token, acquiredAt) }
            return true
        }
    }

    public func crossings(cameraID: String, from: Date, to: Date) -> [CrossingRecord] {
        read { space in
            space.crossingRows
                .filter { $0.cameraID == cameraID && $0.time >= from && $0.time < to }
                .sorted { ($0.time, $0.id) < ($1.time, $1.id) }
        }
    }

    public func addCountingResults(_ newResults: [CountingResult]) throws {
        for result in newResults { try result.validate() }
        try transaction { (space: inout TenantData) throws(StorageError) in
            for (i, result) in newResults.enumerated() where space.cameras[result.cameraID] == nil {
                throw .invalidInput(field: "results[\(i)].cameraID", reason: "no camera with id \"\(result.cameraID)\"")
            }
            for result in newResults {
                let key = ResultKey(cameraID: result.cameraID, kind: result.kind, name: result.name, minute: result.minute)
                var part = result
                if let runID = result.runID {
                    let partKey = RunPartKey(result: key, runID: runID)
                    let previous = space.runParts[partKey]
                    part = result.growth(over: previous)
                    space.runParts[partKey] = result.furthestPart(over: previous)
                }
                space.results[key] = space.results[key].map { $0.merged(with: part) } ?? part
            }
        }
    }

    public func countSeries(cameraID: String, from: Date, to: Date, bucket: BucketSize) -> CountSeries {
        let rows = read { space in space.results.values.filter { $0.cameraID == cameraID && $0.minute >= from && $0.minute < to } }
        return CountSeries.grouping(rows, by: bucket)
    }

    public func dwellSamples(cameraID: String, zone: String, from: Date, to: Date) -> [DwellSample] {
        let rows = read { space in
            space.results.values.filter {
                $0.cameraID == cameraID && $0.kind == .zone && $0.name == zone && $0.minute >= from && $0.minute < to
            }
        }
        return rows.sorted { $0.minute < $1.minute }.flatMap { row in row.dwellSeconds.map { DwellSample(minute: row.minute, seconds: $0) } }
    }

    public func insertCameraEvent(_ event: CameraEvent) throws {
        try transaction { (space: inout TenantData) throws(StorageError) in
            guard space.cameras[event.cameraID] != nil else {
                throw .invalidInput(field: "event.cameraID", reason: "no camera with id \"\(event.cameraID)\"")
            }
            space.events.append(event.trimmed)
        }
    }

    public func cameraEvents(cameraID: String, from: Date, to: Date, limit: Int) -> [CameraEvent] {
        read { space in
            Array(space.events.filter { $0.cameraID == cameraID && $0.time >= from && $0.time < to }
                .sorted { $0.time > $1.time }.prefix(max(0, limit)))
        }
    }

    // MARK: Sites

    public func sites() -> [Site] {
        read { $0.sites.values.sorted { $0.id < $1.id } }
    }

    public func site(id: String) -> Site? {
        read { $0.sites[id] }
    }

    public func saveSite(_ site: Site, audit: AuditEntry) throws {
        try site.validate()
        try transaction(adding: true) { (space: inout TenantData) throws(StorageError) in
            space.sites[site.id] = site
            space.audit.append(audit)
        }
    }

    public func deleteSite(id: String, audit: AuditEntry) throws {
        try transaction { (space: inout TenantData) throws(StorageError) in
            guard space.sites[id] != nil else { throw .notFound(field: "site.id", reason: "no site with id \"\(id)\"") }
            if space.cameras.values.contains(where: { !$0.deleted && $0.camera.siteID == id }) {
                throw .conflict(field: "site.id", reason: "cameras still belong to site \"\(id)\"")
            }
            space.sites[id] = nil
            space.audit.append(audit)
        }
    }

    // MARK: Users and credentials

    public func users() -> [User] {
        read { $0.users.values.sorted { $0.username < $1.username } }
    }

    public func user(id: UUID) -> User? {
        read { $0.users[id] }
    }

    public func createUser(_ user: User, audit: AuditEntry) throws {
        try user.validate()
        let tenantID = tenantID
        try shared.data.withLock { (data: inout Data) throws(StorageError) in
            try Self.requireTenant(tenantID, in: data)
            if data.spaces.values.contains(where: { $0.users.values.contains { $0.username == user.username } }) {
                throw .conflict(field: "user.username", reason: "the username \"\(user.username)\" is taken")
            }
            if data.spaces.values.contains(where: { $0.users[user.id] != nil }) {
                throw .conflict(field: "user.id", reason: "a user with id \(user.id) exists")
            }
            var user = user
            user.tenantID = tenantID
            data.spaces[tenantID, default: TenantData()].users[user.id] = user
            data.spaces[tenantID, default: TenantData()].audit.append(audit)
        }
    }

    public func updateUser(_ user: User, audit: AuditEntry) throws {
        try user.validate()
        try transaction { (space: inout TenantData) throws(StorageError) in
            guard let existing = space.users[user.id] else {
                throw .notFound(field: "user.id", reason: "no user with id \(user.id)")
            }
            var user = user
            user.username = existing.username
            user.tenantID = existing.tenantID
            user.created = existing.created
            space.users[user.id] = user
            space.audit.append(audit)
        }
    }

    public func deleteUser(id: UUID, audit: AuditEntry) throws {
        try transaction { (space: inout TenantData) throws(StorageError) in
            guard space.users[id] != nil else { throw .notFound(field: "user.id", reason: "no user with id \(id)") }
            space.users[id] = nil
            space.credentials = space.credentials.filter { $0.value.userID != id }
            space.audit.append(audit)
        }
    }

    public func eraseUser(id: UUID, pseudonym: String, audit: AuditEntry) throws -> UserErasure {
        try UserErasure.validate(pseudonym: pseudonym)
        return try transaction { (space: inout TenantData) throws(StorageError) in
            guard let user = space.users[id] else { throw .notFound(field: "user.id", reason: "no user with id \(id)") }
            let name = user.username
            space.users[id] = nil
            let revoked = space.credentials.values.filter { $0.userID == id }.map(\.tokenHash)
            space.credentials = space.credentials.filter { $0.value.userID != id }
            var changed = 0
            space.audit = space.audit.map { entry in
                let erased = UserErasure.pseudonymised(entry, name: name, pseudonym: pseudonym)
                if erased != entry { changed += 1 }
                return erased
            }
            var alerts = 0
            for (key, alert) in space.alerts where alert.acknowledgedBy == name {
                space.alerts[key]?.acknowledgedBy = pseudonym
                alerts += 1
            }
            space.audit.append(audit)
            return UserErasure(pseudonym: pseudonym, revokedTokenHashes: revoked, auditEntries: changed, alerts: alerts)
        }
    }

    public func createCredential(_ credential: Credential, audit: AuditEntry?) throws {
        try credential.validate()
        let tenantID = tenantID
        try shared.data.withLock { (data: inout Data) throws(StorageError) in
            guard data.spaces[tenantID]?.users[credential.userID] != nil else {
                throw .notFound(field: "credential.userID", reason: "no user with id \(credential.userID)")
            }
            if let camera = credential.cameraID, data.spaces[tenantID]?.cameras[camera].map({ !$0.deleted }) != true {
                throw .invalidInput(field: "credential.cameraID", reason: "no camera with id \"\(camera)\"")
            }
            // Ids and token hashes are unique in the whole installation, as the databases keep them.
            for space in data.spaces.values {
                if space.credentials[credential.id] != nil {
                    throw .conflict(field: "credential.id", reason: "a credential with id \(credential.id) exists")
                }
                if space.credentials.values.contains(where: { $0.tokenHash == credential.tokenHash }) {
                    throw .conflict(field: "credential.tokenHash", reason: "a credential with this token exists")
                }
            }
            var credential = credential
            credential.tenantID = tenantID
            data.spaces[tenantID, default: TenantData()].credentials[credential.id] = credential
            if let audit { data.spaces[tenantID, default: TenantData()].audit.append(audit) }
        }
    }

    public func credentials(userID: UUID) -> [Credential] {
        read { space in space.credentials.values.filter { $0.userID == userID }.sorted { $0.created > $1.created } }
    }

    public func deleteCredential(id: UUID, userID: UUID, audit: AuditEntry?) throws {
        try transaction { (space: inout TenantData) throws(StorageError) in
            guard space.credentials[id]?.userID == userID else {
                throw .notFound(field: "credential.id", reason: "no credential with id \(id)")
            }
            space.credentials[id] = nil
            if let audit { space.audit.append(audit) }
        }
    }

    public func deleteCredentials(userID: UUID, kind: Credential.Kind?, audit: AuditEntry?) throws -> [[UInt8]] {
        try transaction { (space: inout TenantData) throws(StorageError) -> [[UInt8]] in
            let revoked = space.credentials.values.filter { $0.userID == userID && (kind == nil || $0.kind == kind) }
            for credential in revoked { space.credentials[credential.id] = nil }
            if let audit { space.audit.append(audit) }
            return revoked.map(\.tokenHash)
        }
    }

    // MARK: Audit

    public func auditEntries(_ query: AuditQuery) -> [AuditEntry] {
        read { space in
            // Entries of the same time: the one written last comes first, as in the databases.
            Array(space.audit.reversed().filter(query.matches).sorted { $0.time > $1.time }.prefix(max(0, query.limit)))
        }
    }

    // MARK: Accounts (every tenant)

    public func user(username: String) -> User? {
        shared.data.withLock { data in
            data.spaces.values.lazy.compactMap { $0.users.values.first { $0.username == username } }.first
        }
    }

    public func authenticate(tokenHash: [UInt8], at now: Date) -> (credential: Credential, user: User)? {
        shared.data.withLock { data in
            for space in data.spaces.values {
                if let credential = space.credentials.values.first(where: { $0.tokenHash == tokenHash }),
                   credential.isValid(at: now), let user = space.users[credential.userID] {
                    return (credential, user)
                }
            }
            return nil
        }
    }

    public func hasUsers() -> Bool {
        shared.data.withLock { $0.spaces.values.contains { !$0.users.isEmpty } }
    }

    public func deleteExpiredCredentials(before date: Date) -> Int {
        shared.data.withLock { data in
            var removed = 0
            for tenant in data.spaces.keys {
                let expired = data.spaces[tenant]!.credentials.filter { $0.value.expires.map { $0 < date } ?? false }
                for id in expired.keys { data.spaces[tenant]!.credentials[id] = nil }
                removed += expired.count
            }
            return removed
        }
    }
}
