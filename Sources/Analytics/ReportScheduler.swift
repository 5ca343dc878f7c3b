import Crypto
import FootfallSupport
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Storage

/// Makes every site's reports on schedule, in the site's time zone: each day at `time` the
/// report of the day before, and each Monday at `time` the report of the week before, as an
/// HTML page and a CSV file put in the file store and listed in `files`. With a webhook, each
/// report made is announced there (`WebhookEvent.report`) with a link to each of its files.
///
/// Several schedulers (one per API process) may run at once: a report's key names its tenant,
/// site, period and content, and the store lists a key once. They must share the file store (a
/// shared `files-dir`, or S3), since any process may serve a download. After a stop, the latest
/// due reports are made when it starts again; older missed ones are not.
public actor ReportScheduler: Service {
    /// A local time of day.
    public struct TimeOfDay: Hashable, Sendable {
        public var hour: Int
        public var minute: Int

        public init(hour: Int, minute: Int) {
            self.hour = hour
            self.minute = minute
        }

        /// `06:00` → 6 h 0 min; nil for anything else.
        public init?(_ text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]),
                  (0..<24).contains(hour), (0..<60).contains(minute)
            else { return nil }
            self.init(hour: hour, minute: minute)
        }
    }

    private let store: any FootfallStore
    private let files: any FileStore
    private let time: TimeOfDay
    private let interval: Duration
    private let clock: AnyClock
    private let wallClock: @Sendable () -> Date
    private let webhook: (any WebhookQueue)?
    private let publicURL: String?
    private let logger: Logger
    /// Keys already made or found listed, so that a round reads and renders only what is new.
    private var done: Set<String> = []
    /// Announcements the webhook queue refused (the broker away), offered again each round.
    private var unannounced: [ReportReady] = []

    /// Announcements kept while the webhook queue refuses them; older ones are dropped (logged).
    static let maximumUnannounced = 1_000

    /// - Parameters:
    ///   - webhook: where made reports are announced; nil for none.
    ///   - publicURL: the server's public address (`https://counts.example`), for the links in
    ///     announcements; without it they carry the path alone.
    public init(store: any FootfallStore, files: any FileStore, time: TimeOfDay = .init(hour: 6, minute: 0),
                interval: Duration = .seconds(60), webhook: (any WebhookQueue)? = nil, publicURL: String? = nil,
                clock: any Clock<Duration> = ContinuousClock(),
                wallClock: @escaping @Sendable () -> Date = Date.init, logger: Logger) {
        self.store = store
        self.files = files
        self.webhook = webhook
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.time = time
        self.interval = interval
        self.clock = AnyClock(clock)
        self.wallClock = wallClock
        self.logger = logger
    }

    /// Looks for due reports every `interval` until shutdown.
    public func run() async throws {
        await runRounds(every: interval, clock: clock) { await makeDueReports() }
    }

    /// One round over every tenant's sites at the wall clock's time; returns the files it listed.
    /// Failures are logged and the report is tried again next round.
    @discardableResult
    public func makeDueReports() async -> [StoredFile] {
        let now = wallClock()
        var made: [StoredFile] = []
        await announceWaiting()
        do {
            for tenant in try await store.tenants() {
                let scoped = store.scoped(to: tenant.id)
                // Cameras are read only in a round that has a report to make.
                var cameras: [Camera]?
                for site in try await scoped.sites() {
                    let due = due(site: site, at: now).filter { !done.contains(key(tenant: tenant.id, site: site, $0.0, $0.1)) }
                    if due.isEmpty { continue }
                    if cameras == nil { cameras = try await scoped.cameras() }
                    let siteCameras = (cameras ?? []).filter { $0.siteID == site.id }
                    guard !siteCameras.isEmpty else { continue }
                    for (period, start) in due {
                        do {
                            made += try await make(period, from: start, site: site, cameras: siteCameras, tenant: tenant.id,
                                                   store: scoped, now: now)
                        } catch {
                            logger.error("report.make_failed", metadata: ["error": "\(error)", "site.id": "\(site.id)",
                                                                          "report.period": "\(period.rawValue)"])
                        }
                    }
                }
            }
        } catch {
            logger.error("report.round_failed", metadata: ["error": "\(error)"])
        }
        return made
    }

    /// The reports due at `now`: yesterday once today's `time` has passed, and last week once
    /// this Monday's has; each with the start of the day or week it covers.
    func due(site: Site, at now: Date) -> [(SiteReport.Period, Date)] {
        let calendar = site.calendar
        let today = calendar.startOfDay(for: now)
        // Today's `time`; on a day the clocks skip it, the first moment after.
        guard let dueToday = calendar.date(bySettingHour: time.hour, minute: time.minute, second: 0, of: today),
              now >= dueToday
        else { return [] }
        var reports: [(SiteReport.Period, Date)] = []
        if let yesterday = calendar.date(byAdding: .day, value: -1, to: today) {
            reports.append((.day, calendar.startOfDay(for: yesterday)))
        }
        let thisWeek = AnalyticsBucket.week.start(of: now, calendar: calendar)
        if today == thisWeek, let lastWeek = calendar.date(byAdding: .day, value: -7, to: thisWeek) {
            reports.append((.week, AnalyticsBucket.week.start(of: lastWeek, calendar: calendar)))
        }
        return reports
    }

    /// Where a report's files go, less the content hash and format.
    private func key(tenant: UUID, site: Site, _ period: SiteReport.Period, _ start: Date) -> String {
        "reports/\(tenant.uuidString.lowercased())/\(site.id)/\(SiteReport.name(siteID: site.id, period: period, from: start, calendar: site.calendar))"
    }

    private func make(_ period: SiteReport.Period, from start: Date, site: Site, cameras: [Camera], tenant: UUID,
                      store: any FootfallStore, now: Date) async throws -> [StoredFile] {
        let name = SiteReport.name(siteID: site.id, period: period, from: start, calendar: site.calendar)
        let base = key(tenant: tenant, site: site, period, start)
        // Made once both formats are listed; a format whose write failed is made next round.
        let listed = try await store.files(kind: .report, siteIDs: [site.id], limit: 50).map(\.key).filter { $0.hasPrefix(base + ".") }
        let missing = ["html", "csv"].filter { format in !listed.contains { $0.hasSuffix("." + format) } }
        guard !missing.isEmpty else {
            done.insert(base)
            return []
        }
        let report = try await SiteReport.make(store, site: site, cameras: cameras, period: period, containing: start)
        var made: [StoredFile] = []
        for format in missing {
            let (body, type) = format == "csv" ? (report.csv, "text/csv; charset=utf-8") : (report.html, "text/html; charset=utf-8")
            let data = Data(body.utf8)
            let sha256 = Array(SHA256.hash(data: data))
            // The key carries the content's hash: processes making the same report write the same
            // bytes to the same key, and never replace a listed file with different bytes.
            let key = "\(base).\(sha256.prefix(6).map { String(format: "%02x", $0) }.joined()).\(format)"
            try await files.put(data, key: key, contentType: type)
            let file = StoredFile(kind: .report, key: key, name: "\(name).\(format)", contentType: type, size: data.count,
                                  sha256: sha256, siteID: site.id, created: now)
            if try await store.addFile(file) { made.append(file) }
        }
        done.insert(base)
        logger.info("report.made", metadata: ["site.id": "\(site.id)", "report.name": "\(name)"])
        if webhook != nil, !made.isEmpty {
            // Every listed format, also one another process listed first.
            let all = try await store.files(kind: .report, siteIDs: [site.id], limit: 50).filter { $0.key.hasPrefix(base + ".") }
            unannounced.append(announcement(of: all.isEmpty ? made : all, name: name, period: period, from: start, site: site,
                                            tenant: tenant, now: now))
            if unannounced.count > Self.maximumUnannounced {
                let dropped = unannounced.removeFirst()
                logger.error("report.announcement_dropped", metadata: ["site.id": "\(dropped.siteID)", "report.name": "\(dropped.name)"])
            }
            await announceWaiting()
        }
        return made
    }

    /// What the webhook is told of a report made.
    private func announcement(of files: [StoredFile], name: String, period: SiteReport.Period, from start: Date, site: Site,
                              tenant: UUID, now: Date) -> ReportReady {
        let files = files.sorted { $0.name < $1.name }.map { file in
            let path = "/api/v1/files/\(file.id.uuidString.lowercased())"
            return ReportReady.File(id: file.id, name: file.name, contentType: file.contentType, size: file.size,
                                    sha256: file.sha256Hex, path: path,
                                    url: publicURL.map { $0 + path })
        }
        return ReportReady(tenantID: tenant, siteID: site.id, period: period.rawValue, from: start, name: name, files: files, time: now)
    }

    /// Offers the waiting announcements to the webhook queue, oldest first, until it refuses one.
    private func announceWaiting() async {
        guard let webhook else { return }
        while let next = unannounced.first {
            do {
                try await webhook.enqueue(.report(next))
                unannounced.removeFirst()
            } catch {
                logger.error("report.announce_failed", metadata: [
                    "site.id": "\(next.siteID)", "report.name": "\(next.name)", "report.waiting": "\(unannounced.count)",
                    "error": "\(error)",
                ])
                return
            }
        }
    }
}
