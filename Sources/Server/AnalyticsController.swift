import Analytics
import CountingCore
import Foundation
import Hummingbird
import Storage

/// `/api/v1/analytics/…`: answers from the stored counts, in the site's own time zone.
///
/// - `footfall`: people in and out per hour, day or week of a site or camera, with the
///   previous period, the same period a year before, and the peak hours.
/// - `occupancy`: a site's occupancy through one local day from its entrances, raw and
///   corrected for drift, with the day's imbalance as a quality figure.
/// - `conversion`: people in at one line against people in at another (entrance and checkout).
/// - `dwell`: how long visits to a zone lasted (mean, median, 90th percentile) per bucket.
/// - `report`: a site's daily or weekly report, as an HTML page or CSV.
struct AnalyticsController {
    let dependencies: ServerDependencies

    /// The most buckets one answer may hold, as for counts.
    static let maximumBuckets = 50_000

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .get, "analytics/footfall", .role(.viewer), use: footfall)
        table.add(group, .get, "analytics/occupancy", .role(.viewer), use: occupancy)
        table.add(group, .get, "analytics/conversion", .role(.viewer), use: conversion)
        table.add(group, .get, "analytics/dwell", .role(.viewer), use: dwell)
        table.add(group, .get, "analytics/report", .role(.viewer), use: report)
    }

    /// The cameras and time zone a request is about: `site` or `camera`.
    struct Scope {
        var site: Site?
        var cameras: [Camera]
        var calendar: Calendar
    }

    private func scope(_ parameters: Parameters, _ view: TenantView, requireSite: Bool = false) async throws -> Scope {
        let siteID = parameters.get("site"), cameraID = requireSite ? nil : parameters.get("camera")
        if requireSite, siteID == nil { throw APIError(.badRequest, field: "site", message: "name the site") }
        guard (siteID == nil) != (cameraID == nil) else {
            throw APIError(.badRequest, field: "site", message: "name either a site or a camera")
        }
        if let siteID {
            guard view.mayUse(site: siteID), let site = try await view.store.site(id: siteID) else {
                throw APIError(.notFound, field: "site", message: "no site with id \"\(siteID.prefix(64))\"")
            }
            return Scope(site: site, cameras: try await view.cameras().filter { $0.siteID == siteID }, calendar: site.calendar)
        }
        let camera = try await view.camera(cameraID ?? "")
        return Scope(site: nil, cameras: [camera], calendar: try await calendar(of: camera, view))
    }

    /// A calendar in the time zone of the camera's site (UTC without one).
    private func calendar(of camera: Camera, _ view: TenantView) async throws -> Calendar {
        if let siteID = camera.siteID, let site = try await view.store.site(id: siteID) { return site.calendar }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }

    /// `field=camera/name`: a camera the caller may see and the name of one of its lines or
    /// zones (`kind`), which `has` tells exists; 400 naming `field` otherwise.
    private func cameraAnd(_ kind: String, _ parameters: Parameters, field: String, _ view: TenantView,
                           has: (Geometry, String) -> Bool) async throws -> (camera: Camera, name: String) {
        let parts = (parameters.get(field) ?? "").split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw APIError(.badRequest, field: field, message: "name the \(kind) as camera/\(kind)") }
        let camera = try await view.camera(parts[0])
        guard has(camera.geometry, parts[1]) else {
            throw APIError(.badRequest, field: field, message: "camera \(camera.id) has no \(kind) \"\(parts[1].prefix(100))\"")
        }
        return (camera, parts[1])
    }

    /// `lines=camera/line,…`: which lines count; every line of the scope's cameras when absent.
    private func lineFilter(_ parameters: Parameters, field: String = "lines", scope: Scope) throws -> Set<String>? {
        guard let text = parameters.get(field), !text.isEmpty else { return nil }
        let known = Set(scope.cameras.flatMap { camera in camera.geometry.lines.map { "\(camera.id)/\($0.name)" } })
        let lines = Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        if let unknown = lines.first(where: { !known.contains($0) }) {
            throw APIError(.badRequest, field: field, message: "no line \"\(unknown.prefix(100))\": name lines as camera/line")
        }
        return lines
    }

    private func range(_ parameters: Parameters, bucket: AnalyticsBucket, calendar: Calendar) throws -> (from: Date, to: Date) {
        let now = dependencies.clock()
        // Whole buckets: `to` rounded up to the end of its bucket, `from` down to its start.
        let given = try CountsQuery.date(parameters, "to") ?? now
        let last = bucket.start(of: given, calendar: calendar)
        let to = last == given && parameters.get("to") != nil ? given : bucket.next(after: last, calendar: calendar)
        let span: TimeInterval = switch bucket {
        case .hour: 86_400
        case .day: 30 * 86_400
        case .week: 12 * 7 * 86_400
        }
        let from = bucket.start(of: try CountsQuery.date(parameters, "from") ?? to.addingTimeInterval(-span), calendar: calendar)
        guard from < to else { throw APIError(.badRequest, field: "from", message: "from must be earlier than to") }
        if to.timeIntervalSince(from) / 3_600 > Double(Self.maximumBuckets) {
            throw APIError(.badRequest, field: "from", message: "the range holds more than \(Self.maximumBuckets) hours: ask for less")
        }
        return (from, to)
    }

    private func bucket(_ parameters: Parameters) throws -> AnalyticsBucket {
        let text = parameters.get("bucket") ?? "day"
        guard let bucket = AnalyticsBucket(rawValue: text) else {
            throw APIError(.badRequest, field: "bucket", message: "unknown bucket \"\(text.prefix(32))\": use hour, day or week")
        }
        return bucket
    }

    /// The start of the local day `date=2026-11-25` names, today when absent.
    private func day(_ parameters: Parameters, calendar: Calendar) throws -> Date {
        guard let text = parameters.get("date") else { return calendar.startOfDay(for: dependencies.clock()) }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        // The date must exist: 2026-02-31 is refused, not rolled over to March.
        guard parts.count == 3, text.count == 10,
              let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: parts[0], month: parts[1], day: parts[2])
        else {
            throw APIError(.badRequest, field: "date", message: "\"\(text.prefix(32))\" is not a date such as 2026-11-25")
        }
        return calendar.startOfDay(for: date)
    }

    @Sendable func footfall(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let parameters = request.uri.queryParameters
        let scope = try await scope(parameters, view)
        let bucket = try bucket(parameters)
        let lines = try lineFilter(parameters, scope: scope)
        let (from, to) = try range(parameters, bucket: bucket, calendar: scope.calendar)
        let query = LineCountQuery(cameraIDs: scope.cameras.map(\.id), lines: lines, from: from, to: to, timeZone: scope.calendar.timeZone)
        let report = try await FootfallReport.make(view.store, query, bucket: bucket)
        func period(_ period: FootfallReport.Period) -> APIModels.AnalyticsPeriod {
            APIModels.AnalyticsPeriod(from: period.from, to: period.to, in: period.countIn, out: period.countOut,
                                      change: report.change(against: period))
        }
        return try JSONResponse.make(APIModels.FootfallAnswer(
            site: scope.site?.id, camera: scope.site == nil ? scope.cameras.first?.id : nil,
            timeZone: scope.calendar.timeZone.identifier, bucket: bucket.rawValue, from: from, to: to,
            buckets: report.series.buckets.map { .init(start: $0.start, in: $0.countIn, out: $0.countOut) },
            total: .init(in: report.series.countIn, out: report.series.countOut),
            previous: period(report.previous), lastYear: period(report.lastYear),
            peakHours: report.peakHours.map { .init(hour: $0.hour, meanIn: $0.meanIn) }))
    }

    @Sendable func occupancy(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let parameters = request.uri.queryParameters
        let scope = try await scope(parameters, view, requireSite: true)
        let lines = try lineFilter(parameters, scope: scope)
        let calendar = scope.calendar
        let dayStart = try day(parameters, calendar: calendar)
        let end = AnalyticsBucket.day.next(after: dayStart, calendar: calendar)
        let query = LineCountQuery(cameraIDs: scope.cameras.map(\.id), lines: lines, from: dayStart, to: end, timeZone: calendar.timeZone)
        let series = FootfallSeries(try await view.store.lineCountBuckets(query, bucket: .hour), from: dayStart, to: end, bucket: .hour,
                                    calendar: calendar)
        let curve = OccupancyCurve(series.buckets.map { (end: $0.start.addingTimeInterval(3_600), countIn: $0.countIn, countOut: $0.countOut) })
        let components = calendar.dateComponents([.year, .month, .day], from: dayStart)
        return try JSONResponse.make(APIModels.OccupancyAnswer(
            site: scope.site?.id ?? "", timeZone: calendar.timeZone.identifier,
            date: String(format: "%04d-%02d-%02d", components.year ?? 0, components.month ?? 0, components.day ?? 0),
            hours: curve.points.map { .init(end: $0.time, in: $0.countIn, out: $0.countOut, raw: $0.raw, corrected: $0.corrected) },
            in: curve.countIn, out: curve.countOut, imbalance: curve.imbalance, imbalanceShare: curve.imbalanceShare))
    }

    @Sendable func conversion(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let parameters = request.uri.queryParameters
        var ends: [(camera: Camera, line: String)] = []
        for field in ["entrance", "checkout"] {
            let end = try await cameraAnd("line", parameters, field: field, view) { geometry, name in
                geometry.lines.contains { $0.name == name }
            }
            ends.append((end.camera, end.name))
        }
        let calendar = try await calendar(of: ends[0].camera, view)
        let bucket = try bucket(parameters)
        let (from, to) = try range(parameters, bucket: bucket, calendar: calendar)
        var series: [FootfallSeries] = []
        for end in ends {
            let query = LineCountQuery(cameraIDs: [end.camera.id], lines: ["\(end.camera.id)/\(end.line)"], from: from, to: to,
                                       timeZone: calendar.timeZone)
            series.append(FootfallSeries(try await view.store.lineCountBuckets(query, bucket: bucket), from: from, to: to, bucket: bucket,
                                         calendar: calendar))
        }
        let ratio = { (entrance: Int, checkout: Int) -> Double? in entrance == 0 ? nil : Double(checkout) / Double(entrance) }
        return try JSONResponse.make(APIModels.ConversionAnswer(
            timeZone: calendar.timeZone.identifier, bucket: bucket.rawValue, from: from, to: to,
            buckets: zip(series[0].buckets, series[1].buckets).map {
                .init(start: $0.0.start, entrance: $0.0.countIn, checkout: $0.1.countIn, ratio: ratio($0.0.countIn, $0.1.countIn))
            },
            entrance: series[0].countIn, checkout: series[1].countIn, ratio: ratio(series[0].countIn, series[1].countIn)))
    }

    @Sendable func dwell(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let parameters = request.uri.queryParameters
        let (camera, zone) = try await cameraAnd("zone", parameters, field: "zone", view) { geometry, name in
            geometry.zones.contains { $0.name == name }
        }
        let calendar = try await calendar(of: camera, view)
        let bucket = try bucket(parameters)
        let (from, to) = try range(parameters, bucket: bucket, calendar: calendar)
        let samples = try await view.store.dwellSamples(cameraID: camera.id, zone: zone, from: from, to: to)
        let statistics = DwellStatistics(samples, from: from, to: to, bucket: bucket, calendar: calendar)
        func figures(_ figures: DwellStatistics.Figures) -> APIModels.DwellBucket {
            .init(start: figures.start, visits: figures.visits, meanSeconds: figures.mean, medianSeconds: figures.median,
                  p90Seconds: figures.p90)
        }
        return try JSONResponse.make(APIModels.DwellAnswer(
            camera: camera.id, zone: zone, timeZone: calendar.timeZone.identifier, bucket: bucket.rawValue, from: from, to: to,
            buckets: statistics.buckets.map(figures), total: figures(statistics.total)))
    }

    @Sendable func report(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let parameters = request.uri.queryParameters
        let scope = try await scope(parameters, view, requireSite: true)
        let periodText = parameters.get("period") ?? "day"
        guard let period = SiteReport.Period(rawValue: periodText) else {
            throw APIError(.badRequest, field: "period", message: "unknown period \"\(periodText.prefix(32))\": use day or week")
        }
        let format = parameters.get("format") ?? "html"
        guard format == "html" || format == "csv" else {
            throw APIError(.badRequest, field: "format", message: "unknown format \"\(format.prefix(32))\": use html or csv")
        }
        guard let site = scope.site else { throw APIError(.badRequest, field: "site", message: "name the site") }
        let report = try await SiteReport.make(view.store, site: site, cameras: scope.cameras, period: period,
                                               containing: try day(parameters, calendar: scope.calendar))
        let body = format == "csv" ? report.csv : report.html
        var headers: HTTPFields = [
            .contentType: format == "csv" ? "text/csv; charset=utf-8" : "text/html; charset=utf-8",
            .contentDisposition: "inline; filename=\"\(report.name).\(format)\"",
        ]
        // The page has no scripts: it may be opened straight from the API.
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
