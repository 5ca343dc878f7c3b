import Foundation
import Hummingbird
import Logging
import Messaging
import Storage

/// `/api/v1/alert-rules…` and `/api/v1/alerts…`: what to watch for, and what was seen.
///
/// A caller granted only some sites sees and manages the rules and alerts of those sites'
/// cameras and of those sites; rules over the whole tenant are for callers granted every site.
struct AlertController {
    let dependencies: ServerDependencies

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .get, "alert-rules", .role(.viewer), use: listRules)
        table.add(group, .post, "alert-rules", .role(.operator), use: createRule)
        table.add(group, .get, "alert-rules/:id", .role(.viewer), use: getRule)
        table.add(group, .put, "alert-rules/:id", .role(.operator), use: updateRule)
        table.add(group, .delete, "alert-rules/:id", .role(.operator), use: deleteRule)
        table.add(group, .get, "alerts", .role(.viewer), use: listAlerts)
        table.add(group, .post, "alerts/:id/acknowledge", .role(.operator), use: acknowledge)
    }

    @Sendable func listRules(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let cameras = try await visibleCameras(view)
        let rules = try await view.store.alertRules().filter { mayUse($0, view, cameras) }
        return try JSONResponse.make(APIModels.AlertRuleList(rules: rules.map(APIModels.AlertRuleItem.init)))
    }

    @Sendable func getRule(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let rule = try await visibleRule(try ruleID(context), view)
        return try JSONResponse.make(APIModels.AlertRuleItem(rule))
    }

    @Sendable func createRule(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let (body, _) = try await RequestBody.decode(APIModels.AlertRuleBody.self, from: request, shape: APIModels.AlertRuleBody.shape)
        let rule = body.rule(id: UUID())
        try await requireScope(rule, view)
        let audit = try Auditor(context, time: dependencies.clock())
        try await view.store.saveAlertRule(rule, audit: audit.entry("alert-rule.create", "alert-rule:\(rule.id.uuidString)",
                                                                    after: APIModels.AlertRuleItem(rule)))
        return try JSONResponse.make(APIModels.AlertRuleItem(rule), status: .created)
    }

    @Sendable func updateRule(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let before = try await visibleRule(try ruleID(context), view)
        let (body, _) = try await RequestBody.decode(APIModels.AlertRuleBody.self, from: request, shape: APIModels.AlertRuleBody.shape)
        let rule = body.rule(id: before.id)
        try await requireScope(rule, view)
        let audit = try Auditor(context, time: dependencies.clock())
        try await view.store.saveAlertRule(rule, audit: audit.entry("alert-rule.update", "alert-rule:\(rule.id.uuidString)",
                                                                    before: APIModels.AlertRuleItem(before),
                                                                    after: APIModels.AlertRuleItem(rule)))
        return try JSONResponse.make(APIModels.AlertRuleItem(rule))
    }

    @Sendable func deleteRule(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let rule = try await visibleRule(try ruleID(context), view)
        let audit = try Auditor(context, time: dependencies.clock())
        let resolved = try await view.store.deleteAlertRule(
            id: rule.id, audit: audit.entry("alert-rule.delete", "alert-rule:\(rule.id.uuidString)",
                                            before: APIModels.AlertRuleItem(rule)))
        for alert in resolved {
            await announce(.init(tenantID: view.caller.user.tenantID, alert: alert, time: audit.time), logger: context.logger)
        }
        return Response(status: .noContent)
    }

    /// `GET /alerts`: `state` (`open`, the default, or `all`), `camera`, `from`, `to` (ISO 8601,
    /// on the firing time), `limit` (1–1000, default 100); newest first.
    @Sendable func listAlerts(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let parameters = request.uri.queryParameters
        var query = AlertQuery(openOnly: true)
        switch parameters["state"].map(String.init) {
        case nil, "open": query.openOnly = true
        case "all": query.openOnly = false
        case let other?:
            throw APIError(.badRequest, field: "state", message: "state must be open or all, not \"\(other.prefix(64))\"")
        }
        if let camera = parameters["camera"].map(String.init) {
            query.cameraID = try await view.camera(camera).id
        }
        if let from = try parameters.listTime("from") { query.from = from }
        if let to = try parameters.listTime("to") { query.to = to }
        if let limit = try parameters.listLimit() { query.limit = limit }
        let cameras = try await visibleCameras(view)
        if !view.caller.user.sites.isEmpty {
            query.visibleTo = (cameraIDs: cameras, siteIDs: Set(view.caller.user.sites))
        }
        let alerts = try await view.store.alerts(query).filter { mayUse($0, view, cameras) }
        return try JSONResponse.make(APIModels.AlertList(alerts: alerts.map(APIModels.AlertItem.init)))
    }

    @Sendable func acknowledge(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let text = try context.parameters.decoded("id")
        guard let id = UUID(uuidString: text),
              let alert = try await view.store.alert(id: id),
              mayUse(alert, view, try await visibleCameras(view))
        else {
            throw APIError(.notFound, field: "id", message: "no alert with id \"\(text.prefix(64))\"")
        }
        let audit = try Auditor(context, time: dependencies.clock())
        let acknowledged = try await view.store.acknowledgeAlert(
            id: id, by: view.caller.user.username,
            audit: audit.entry("alert.acknowledge", "alert:\(id.uuidString)", after: ["subject": alert.subject]))
        if acknowledged.acknowledgedAt != alert.acknowledgedAt {
            await announce(.init(tenantID: view.caller.user.tenantID, alert: acknowledged, time: audit.time), logger: context.logger)
        }
        return try JSONResponse.make(APIModels.AlertItem(acknowledged))
    }

    /// Sends a change made here live and to the webhook, as the alert monitor does its own.
    private func announce(_ change: LiveMessage.AlertChange, logger: Logger) async {
        await dependencies.bus.publish(.alert(change))
        guard let deliveries = dependencies.alertDeliveries else { return }
        do {
            try await deliveries.enqueue(.alert(change))
        } catch {
            logger.error("alert.enqueue_failed", metadata: ["alert.id": "\(change.alert.id)", "error": "\(error)"])
        }
    }

    // MARK: Scope

    private func ruleID(_ context: FootfallRequestContext) throws -> UUID {
        let text = try context.parameters.decoded("id")
        guard let id = UUID(uuidString: text) else {
            throw APIError(.notFound, field: "id", message: "no alert rule with id \"\(text.prefix(64))\"")
        }
        return id
    }

    private func visibleRule(_ id: UUID, _ view: TenantView) async throws -> AlertRule {
        guard let rule = try await view.store.alertRule(id: id), mayUse(rule, view, try await visibleCameras(view)) else {
            throw APIError(.notFound, field: "id", message: "no alert rule with id \"\(id.uuidString.lowercased())\"")
        }
        return rule
    }

    private func visibleCameras(_ view: TenantView) async throws -> Set<String> {
        Set(try await view.cameras().map(\.id))
    }

    private func mayUse(_ rule: AlertRule, _ view: TenantView, _ cameras: Set<String>) -> Bool {
        if let camera = rule.cameraID { return cameras.contains(camera) }
        if let site = rule.siteID { return view.mayUse(site: site) }
        return view.caller.user.sites.isEmpty
    }

    /// An alert of a camera the caller sees, or (the camera since deleted, or a site's alert)
    /// of a site they may use.
    private func mayUse(_ alert: Alert, _ view: TenantView, _ cameras: Set<String>) -> Bool {
        Self.mayUse(alert, user: view.caller.user, visibleCameras: cameras)
    }

    /// Whether `user` may see `alert`: every alert of the tenant when granted every site; else
    /// one of a camera they see, or (the camera since deleted, or a site's alert) of their sites.
    static func mayUse(_ alert: Alert, user: User, visibleCameras: Set<String>) -> Bool {
        if user.sites.isEmpty { return true }
        if let camera = alert.cameraID, visibleCameras.contains(camera) { return true }
        return alert.siteID.map { user.maySee(site: $0) } ?? false
    }

    /// A caller may only watch what they may see: their sites' cameras and sites; the whole
    /// tenant only when granted every site. A camera they may not see is reported as missing.
    private func requireScope(_ rule: AlertRule, _ view: TenantView) async throws {
        if let camera = rule.cameraID, !(try await visibleCameras(view)).contains(camera) {
            throw APIError(.badRequest, field: "camera", message: "no camera with id \"\(camera.prefix(64))\"")
        }
        if let site = rule.siteID, !view.mayUse(site: site) {
            throw APIError(.badRequest, field: "site", message: "no site with id \"\(site.prefix(64))\"")
        }
        if rule.cameraID == nil, rule.siteID == nil, !view.caller.user.sites.isEmpty {
            throw APIError(.forbidden, field: "site", message: "a rule over every camera needs access to every site; name a camera or site")
        }
    }
}
