import CountingCore
import Foundation

/// Cameras, their configuration and the versions of their lines and zones, in one tenant.
///
/// Changes made through the API carry an `AuditEntry`, written in the same transaction: either
/// both the change and its audit row are stored, or neither.
public protocol CameraStore: Sendable {
    /// Inserts or replaces the camera with the same id, without an audit entry: for the demo
    /// camera and for tests. A changed geometry becomes a new version.
    func saveCamera(_ camera: Camera) async throws
    /// All cameras (deleted ones left out), ordered by id.
    func cameras() async throws -> [Camera]
    func camera(id: String) async throws -> Camera?
    /// Adds a camera; its geometry is version 1. `conflict` if the id is taken — in any tenant,
    /// since live numbers are kept by camera id (a deleted camera's id may be used again in its
    /// own tenant: it comes back with the new settings and its history).
    /// `invalidInput` naming `camera.siteID` if the camera names a site the tenant does not have.
    func createCamera(_ camera: Camera, audit: AuditEntry) async throws
    /// Changes a camera's settings (name, source, site, detector, analysis rate, enabled); its
    /// geometry is left as it is (see `setGeometry`). `notFound` if there is no such camera.
    func updateCamera(_ camera: Camera, audit: AuditEntry) async throws
    /// Removes a camera from use; its counts stay for history, its tokens (`Credential.cameraID`)
    /// are revoked. `notFound` if there is none.
    func deleteCamera(id: String, audit: AuditEntry) async throws
    /// Stores `geometry` as the camera's next version and makes it current.
    func setGeometry(cameraID: String, geometry: Geometry, audit: AuditEntry) async throws -> GeometryVersion
    /// Every version of a camera's geometry, oldest first.
    func geometryVersions(cameraID: String) async throws -> [GeometryVersion]
}

/// Crossing events and per-minute counting results.
public protocol CountStore: Sendable {
    /// Stores crossings in one transaction, skipping crossings already stored. Ids come from
    /// `LineCrossing.eventID`, which contains the crossing's time, so a backend may key on
    /// (id, time) — the same crossing always has both. Crossings the camera's fence refuses
    /// (`CrossingRecord.isFenced`: counted by a worker after its lease passed to another) are
    /// skipped as well, and counted apart: how many were new and how many were fenced.
    @discardableResult
    func storeCrossings(_ crossings: [CrossingRecord]) async throws -> StoredCrossings
    /// Records that a worker took a camera under lease `token` at `acquiredAt`, before it counts
    /// anything: from then on, crossings of the camera stamped with an older token and counted
    /// at or after `acquiredAt` are refused. A token not newer than the recorded one changes
    /// nothing and returns false: whatever is counted under it would be refused. Unknown camera →
    /// `invalidInput` naming `cameraID`.
    @discardableResult
    func recordLease(cameraID: String, token: Int64, acquiredAt: Date) async throws -> Bool
    /// Crossings of a camera with `from <= time < to`, oldest first.
    func crossings(cameraID: String, from: Date, to: Date) async throws -> [CrossingRecord]
    /// Crossings of a camera with `from <= time < to` counted per line and direction, by the
    /// store (a pipeline starting mid-day needs the day's totals, not the day's rows).
    func crossingTotals(cameraID: String, from: Date, to: Date) async throws -> [String: CrossingTotals]
    /// Adds per-minute results in one transaction (see `CountingResult` for the merge rule).
    func addCountingResults(_ results: [CountingResult]) async throws
    /// Results of a camera with `from <= minute < to`, grouped into buckets of `bucket`.
    func countSeries(cameraID: String, from: Date, to: Date, bucket: BucketSize) async throws -> CountSeries
    /// The visits to a zone of a camera that ended with `from <= minute < to`, in time order.
    func dwellSamples(cameraID: String, zone: String, from: Date, to: Date) async throws -> [DwellSample]
    /// Line counts of several cameras per UTC hour with `from <= hour < to` (only hours with
    /// data), for analytics over long ranges.
    func hourlyLineCounts(cameraIDs: [String], from: Date, to: Date) async throws -> [HourlyLineCount]
    /// The people in and out of `query` per `bucket` in its time zone, only buckets with data,
    /// in time order.
    func lineCountBuckets(_ query: LineCountQuery, bucket: AnalyticsBucket) async throws -> [BucketCount]
    /// The people in and out of `query` per local hour of the day (0–23), only hours with data.
    func lineCountsByHourOfDay(_ query: LineCountQuery) async throws -> [Int: (countIn: Int, countOut: Int)]
}

/// What each camera did: its status changes and their reasons.
public protocol CameraEventStore: Sendable {
    /// Stores one status change (its reason cut to `CameraEvent.maximumReasonLength`).
    func insertCameraEvent(_ event: CameraEvent) async throws
    /// A camera's events with `from <= time < to`, newest first, at most `limit`.
    func cameraEvents(cameraID: String, from: Date, to: Date, limit: Int) async throws -> [CameraEvent]
}

/// The sites of one tenant.
public protocol SiteStore: Sendable {
    /// All sites, ordered by id.
    func sites() async throws -> [Site]
    func site(id: String) async throws -> Site?
    /// Adds or changes a site.
    func saveSite(_ site: Site, audit: AuditEntry) async throws
    /// Removes a site; `conflict` while cameras still belong to it, `notFound` if there is none.
    func deleteSite(id: String, audit: AuditEntry) async throws
}

/// The users of one tenant and their credentials (sessions and API tokens).
public protocol UserStore: Sendable {
    /// All users of the tenant, ordered by username.
    func users() async throws -> [User]
    func user(id: UUID) async throws -> User?
    /// Adds a user; `conflict` if the username (or the id) is taken anywhere in the installation.
    func createUser(_ user: User, audit: AuditEntry) async throws
    /// Changes a user's password hash, role or sites; `notFound` if there is none.
    func updateUser(_ user: User, audit: AuditEntry) async throws
    /// Removes a user and every credential of theirs; their audit entries stay.
    func deleteUser(id: UUID, audit: AuditEntry) async throws
    /// Erases a user on request: the user and every credential of theirs go, and where the
    /// audit trail and alert acknowledgements name them, `pseudonym` (`erased-…`) stands
    /// instead; then `audit` is added. `notFound` if there is no such user.
    func eraseUser(id: UUID, pseudonym: String, audit: AuditEntry) async throws -> UserErasure
    /// Stores a new session or API token (audited when `audit` is given); `notFound` if the
    /// tenant has no such user, `conflict` if its id or token hash is already stored.
    func createCredential(_ credential: Credential, audit: AuditEntry?) async throws
    /// A user's credentials, newest first.
    func credentials(userID: UUID) async throws -> [Credential]
    /// Revokes one credential; `notFound` if the user has none with that id.
    func deleteCredential(id: UUID, userID: UUID, audit: AuditEntry?) async throws
    /// Revokes every credential of a user (of one kind, or all); returns the hashes revoked,
    /// so caches can forget them.
    func deleteCredentials(userID: UUID, kind: Credential.Kind?, audit: AuditEntry?) async throws -> [[UInt8]]
}

/// The audit trail of one tenant: append-only.
public protocol AuditStore: Sendable {
    /// Entries matching `query`, newest first (of the same time, the one written last first),
    /// at most `query.limit`.
    func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry]
}

/// Alert rules and the alerts they raise, in one tenant.
public protocol AlertStore: Sendable {
    /// All rules, ordered by name (then id).
    func alertRules() async throws -> [AlertRule]
    /// The rule with this id; nil if the tenant has none.
    func alertRule(id: UUID) async throws -> AlertRule?
    /// Adds or changes a rule. `invalidInput` naming `rule.camera` or `rule.site` if the tenant
    /// has no such camera or site.
    func saveAlertRule(_ rule: AlertRule, audit: AuditEntry) async throws
    /// Removes a rule and resolves its open alerts at `audit.time`; returns the alerts resolved.
    /// `notFound` if there is no such rule.
    @discardableResult
    func deleteAlertRule(id: UUID, audit: AuditEntry) async throws -> [Alert]
    /// Stores `alert` as open, unless its rule already has an open alert for the same subject:
    /// returns the open alert (this one or the earlier) and whether it is new. `notFound` naming
    /// `alert.ruleID` if the rule is gone.
    func openAlert(_ alert: Alert) async throws -> (alert: Alert, created: Bool)
    /// Resolves an open alert at `time`; nil if it is unknown or already resolved.
    func resolveAlert(id: UUID, at time: Date) async throws -> Alert?
    /// Marks an open alert acknowledged by `username` at `audit.time`; one already acknowledged is
    /// returned as it is. `notFound` if there is none, `conflict` if it is resolved.
    func acknowledgeAlert(id: UUID, by username: String, audit: AuditEntry) async throws -> Alert
    /// Alerts matching `query`, newest first, at most `query.limit`.
    func alerts(_ query: AlertQuery) async throws -> [Alert]
    /// The alert with this id, open or not; nil if the tenant has none.
    func alert(id: UUID) async throws -> Alert?
}

/// The `files` table of one tenant: what the file store holds for it.
public protocol FileCatalog: Sendable {
    /// Lists a file; false (and nothing changed) when a file with its key is listed already,
    /// so that two processes making the same report list it once.
    /// With `audit`, the entry is written in the same transaction when the file is listed.
    @discardableResult
    func addFile(_ file: StoredFile, audit: AuditEntry?) async throws -> Bool
    /// Files of `kind`, newest first, at most `limit`; with `siteIDs`, only files of those sites.
    /// With `keyPrefix`, only files whose key starts with it (one camera's snapshots).
    func files(kind: StoredFile.Kind, siteIDs: Set<String>?, keyPrefix: String?, limit: Int) async throws -> [StoredFile]
    /// The file with this id; nil if the tenant has none.
    func file(id: UUID) async throws -> StoredFile?
    /// Unlists up to `limit` files that expired before `date`, soonest expired first, and
    /// returns them, so that their bytes can be deleted from the file store.
    func removeExpiredFiles(before date: Date, limit: Int) async throws -> [StoredFile]
}

/// The detection models of one tenant and what they did, per camera and minute.
public protocol ModelStore: Sendable {
    /// Adds a model, or refreshes the details of the same name and version (its registration
    /// time stays the first).
    func registerModel(_ model: AIModel) async throws
    /// Every model, ordered by name, then version.
    func models() async throws -> [AIModel]
    /// Adds per-minute model figures in one transaction; a minute already stored for the same
    /// camera and model is merged (`ModelMinute.merged`). A model not registered yet is
    /// registered with what the minute says of it.
    func addModelMinutes(_ minutes: [ModelMinute]) async throws
    /// Figures with `from <= minute < to`, of one camera and one model name if given, oldest
    /// first, at most `limit`.
    func modelMinutes(cameraID: String?, modelName: String?, from: Date, to: Date, limit: Int) async throws -> [ModelMinute]
}

/// Signing in, which comes before the tenant is known: these look across every tenant.
public protocol AccountStore: Sendable {
    /// The user with this username, in whichever tenant.
    func user(username: String) async throws -> User?
    /// The credential whose secret hashes to `tokenHash`, with its user, if it is valid at `now`.
    func authenticate(tokenHash: [UInt8], at now: Date) async throws -> (credential: Credential, user: User)?
    /// Whether any user exists at all (a new installation has none).
    func hasUsers() async throws -> Bool
    /// Removes credentials that expired before `date`; returns how many.
    func deleteExpiredCredentials(before date: Date) async throws -> Int
}

/// The tenants of the installation, and a store's view of one of them.
public protocol TenantStore: Sendable {
    /// The tenant this store reads and writes.
    var tenantID: UUID { get }
    func tenants() async throws -> [Tenant]
    /// Adds or renames a tenant.
    func saveTenant(_ tenant: Tenant) async throws
    /// The same store, reading and writing `tenantID`'s rows only; it shares this store's
    /// connections, so only the original is run as a service.
    func scoped(to tenantID: UUID) -> any FootfallStore
}

/// Everything Footfall keeps in its system of record.
public typealias FootfallStore = CameraStore & CountStore & CameraEventStore & SiteStore & UserStore & AuditStore
    & AlertStore & FileCatalog & ModelStore & AccountStore & TenantStore

extension FileCatalog {
    /// Files of `kind`, newest first, at most `limit`; with `siteIDs`, only files of those sites.
    public func files(kind: StoredFile.Kind, siteIDs: Set<String>?, limit: Int) async throws -> [StoredFile] {
        try await files(kind: kind, siteIDs: siteIDs, keyPrefix: nil, limit: limit)
    }

    /// Lists a file without an audit entry (what Footfall makes itself: reports, archives).
    @discardableResult
    public func addFile(_ file: StoredFile) async throws -> Bool {
        try await addFile(file, audit: nil)
    }
}

extension CountStore {
    /// Stores crossings as `storeCrossings` does and returns how many were new.
    @discardableResult
    public func insertCrossings(_ crossings: [CrossingRecord]) async throws -> Int {
        try await storeCrossings(crossings).added
    }

    /// Reads each camera's hourly series; backends with rollups read those instead.
    public func hourlyLineCounts(cameraIDs: [String], from: Date, to: Date) async throws -> [HourlyLineCount] {
        var counts: [HourlyLineCount] = []
        for camera in cameraIDs {
            for (line, buckets) in try await countSeries(cameraID: camera, from: from, to: to, bucket: .hour).lines {
                counts += buckets.map { HourlyLineCount(cameraID: camera, line: line, hour: $0.start, countIn: $0.countIn, countOut: $0.countOut) }
            }
        }
        return counts
    }

    /// Sums the hourly counts here; backends with a query language sum in the query.
    public func lineCountBuckets(_ query: LineCountQuery, bucket: AnalyticsBucket) async throws -> [BucketCount] {
        let calendar = query.calendar
        var sums: [Date: BucketCount] = [:]
        for count in try await hourlyLineCounts(cameraIDs: query.cameraIDs, from: query.from, to: query.to) where query.includes(count) {
            let start = bucket.start(of: count.hour, calendar: calendar)
            sums[start, default: BucketCount(start: start, countIn: 0, countOut: 0)].countIn += count.countIn
            sums[start]!.countOut += count.countOut
        }
        return sums.values.sorted { $0.start < $1.start }
    }

    /// Sums the hourly counts here by local hour of the day.
    public func lineCountsByHourOfDay(_ query: LineCountQuery) async throws -> [Int: (countIn: Int, countOut: Int)] {
        let calendar = query.calendar
        var sums: [Int: (countIn: Int, countOut: Int)] = [:]
        for count in try await hourlyLineCounts(cameraIDs: query.cameraIDs, from: query.from, to: query.to) where query.includes(count) {
            let hour = calendar.component(.hour, from: count.hour)
            sums[hour, default: (0, 0)].countIn += count.countIn
            sums[hour]!.countOut += count.countOut
        }
        return sums
    }

    /// Counts the crossings one by one; backends with a query language count in the query.
    public func crossingTotals(cameraID: String, from: Date, to: Date) async throws -> [String: CrossingTotals] {
        var totals: [String: CrossingTotals] = [:]
        for crossing in try await crossings(cameraID: cameraID, from: from, to: to) {
            switch crossing.direction {
            case .in: totals[crossing.line, default: .init()].countIn += 1
            case .out: totals[crossing.line, default: .init()].countOut += 1
            }
        }
        return totals
    }
}
