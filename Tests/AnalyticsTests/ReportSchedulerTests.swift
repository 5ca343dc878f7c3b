import Analytics
import CountingCore
import Crypto
import Foundation
import Logging
import Messaging
import Storage
import Synchronization
import Testing

/// Reports made on schedule in the site's time zone, stored once however many schedulers run.
struct ReportSchedulerTests {
    final class WallClock: Sendable {
        let time: Mutex<Date>
        init(_ date: Date) { time = Mutex(date) }
        var now: Date { time.withLock { $0 } }
        func set(_ date: Date) { time.withLock { $0 = date } }
    }

    static func utc(_ text: String) -> Date { TestTime.utc(text) }

    static func store() async throws -> InMemoryStore {
        let store = InMemoryStore()
        let audit = AuditEntry(time: utc("2027-03-01T00:00:00Z"), username: "system", action: "test", target: "test")
        try await store.saveSite(Site(id: "shop", name: "Shop", timeZone: "Europe/Paris"), audit: audit)
        try await store.saveSite(Site(id: "empty", name: "No cameras"), audit: audit)
        try await store.saveCamera(Camera(id: "door", name: "Door", source: "external", geometry: Geometry(
            lines: [CountingLine(name: "entrance", a: Point(x: 0, y: 0), b: Point(x: 9, y: 0))]), siteID: "shop"))
        // Sunday 28 March 2027 in Paris, the day the clocks go forward: 23 hours of 10 in, 9 out.
        try await store.addCountingResults((0..<23).map {
            CountingResult(cameraID: "door", kind: .line, name: "entrance",
                           minute: utc("2027-03-27T23:05:00Z").addingTimeInterval(Double($0) * 3_600), countIn: 10, countOut: 9)
        })
        return store
    }

    @Test func yesterdayAndLastWeekAreMadeOnceAfterSixInTheSitesTimeZone() async throws {
        let store = try await Self.store()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-reports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = LocalFileStore(directory: directory)
        // Monday 29 March, 05:59 in Paris (summer time, UTC+2).
        let clock = WallClock(Self.utc("2027-03-29T03:59:00Z"))
        let scheduler = ReportScheduler(store: store, files: files, wallClock: { clock.now }, logger: Logger(label: "test.reports"))
        #expect(await scheduler.makeDueReports().isEmpty, "not yet six o'clock")

        clock.set(Self.utc("2027-03-29T04:01:00Z"))
        let made = await scheduler.makeDueReports()
        #expect(Set(made.map(\.name)) == ["shop-day-2027-03-28.html", "shop-day-2027-03-28.csv",
                                          "shop-week-2027-03-22.html", "shop-week-2027-03-22.csv"])
        #expect(made.allSatisfy { $0.siteID == "shop" && $0.kind == .report })
        let csv = try #require(made.first { $0.name == "shop-day-2027-03-28.csv" })
        let bytes = try #require(try await files.get(key: csv.key))
        #expect(Array(SHA256.hash(data: bytes)) == csv.sha256 && bytes.count == csv.size)
        let total = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n").last ?? ""
        #expect(total == "shop,day,total,,230,207")
        #expect(try await store.files(kind: .report, siteIDs: nil, limit: 10).count == 4)

        // The next round, and another process's scheduler, find them made.
        #expect(await scheduler.makeDueReports().isEmpty)
        let other = ReportScheduler(store: store, files: files, wallClock: { clock.now }, logger: Logger(label: "test.reports"))
        #expect(await other.makeDueReports().isEmpty)

        // Tuesday: only Monday's day.
        clock.set(Self.utc("2027-03-30T04:30:00Z"))
        #expect(await scheduler.makeDueReports().map(\.name).sorted() == ["shop-day-2027-03-29.csv", "shop-day-2027-03-29.html"])
        #expect(try await store.files(kind: .report, siteIDs: nil, limit: 10).count == 6)
    }

    /// A webhook queue that refuses while the broker is away.
    final class RecordingQueue: WebhookQueue {
        let away = Mutex(false)
        let events = Mutex<[WebhookEvent]>([])
        func enqueue(_ event: WebhookEvent) async throws {
            if away.withLock({ $0 }) { throw CancellationError() }
            events.withLock { $0.append(event) }
        }
        var reports: [ReportReady] {
            events.withLock { $0 }.compactMap { if case .report(let report) = $0 { report } else { nil } }
        }
    }

    @Test func eachReportMadeIsAnnouncedOnceWithLinksEvenAfterTheQueueRefusedIt() async throws {
        let store = try await Self.store()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-reports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = LocalFileStore(directory: directory)
        let clock = WallClock(Self.utc("2027-03-29T04:01:00Z"))
        let queue = RecordingQueue()
        queue.away.withLock { $0 = true }
        let scheduler = ReportScheduler(store: store, files: files, webhook: queue, publicURL: "https://counts.example/",
                                        wallClock: { clock.now }, logger: Logger(label: "test.reports"))
        let made = await scheduler.makeDueReports()
        #expect(made.count == 4)
        #expect(queue.events.withLock { $0.isEmpty }, "the broker is away")

        // The next round has nothing to make, and announces what waited.
        queue.away.withLock { $0 = false }
        #expect(await scheduler.makeDueReports().isEmpty)
        let reports = queue.reports.sorted { $0.name < $1.name }
        #expect(reports.map(\.name) == ["shop-day-2027-03-28", "shop-week-2027-03-22"])
        #expect(reports.map(\.period) == ["day", "week"])
        #expect(reports.allSatisfy { $0.siteID == "shop" && $0.tenantID == Tenant.defaultID })
        #expect(reports[0].from == Self.utc("2027-03-27T23:00:00Z"), "Paris midnight, winter time")
        let day = reports[0].files
        #expect(day.map(\.name) == ["shop-day-2027-03-28.csv", "shop-day-2027-03-28.html"])
        for link in day {
            let file = try #require(made.first { $0.id == link.id })
            let id = file.id.uuidString.lowercased()
            #expect(link.path == "/api/v1/files/\(id)")
            #expect(link.url == "https://counts.example/api/v1/files/\(id)")
            #expect(link.size == file.size && link.contentType == file.contentType)
            #expect(link.sha256 == file.sha256.map { String(format: "%02x", $0) }.joined())
        }
        #expect(WebhookEvent.report(reports[0]).deliveryID == "report.\(Tenant.defaultID.uuidString.lowercased()).shop.shop-day-2027-03-28")

        // Nothing is announced twice: not by this scheduler, nor by another process's.
        #expect(await scheduler.makeDueReports().isEmpty)
        let other = ReportScheduler(store: store, files: files, webhook: queue, wallClock: { clock.now }, logger: Logger(label: "test.reports"))
        #expect(await other.makeDueReports().isEmpty)
        #expect(queue.events.withLock { $0.count } == 2)
    }

    @Test func timesOfDayAreReadStrictly() {
        #expect(ReportScheduler.TimeOfDay("06:30") == .init(hour: 6, minute: 30))
        for bad in ["6:30", "24:00", "06:60", "06", "", "ab:cd", "06:30:00"] {
            #expect(ReportScheduler.TimeOfDay(bad) == nil, "\(bad)")
        }
    }
}
