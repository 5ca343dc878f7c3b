import Foundation
import Hummingbird
import Storage

/// `/api/v1/sites…`: the places cameras belong to.
struct SiteController {
    let dependencies: ServerDependencies

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .get, "sites", .role(.viewer), use: list)
        table.add(group, .put, "sites/:id", .role(.admin), use: save)
        table.add(group, .delete, "sites/:id", .role(.admin), use: delete)
    }

    @Sendable func list(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let sites = try await view.store.sites().filter { view.mayUse(site: $0.id) }
        return try JSONResponse.make(APIModels.SiteList(sites: sites.map(APIModels.SiteItem.init)))
    }

    @Sendable func save(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let id = try context.parameters.decoded("id")
        let (body, _) = try await RequestBody.decode(APIModels.SiteBody.self, from: request, shape: APIModels.SiteBody.shape)
        let site = Site(id: id, name: body.name, timeZone: body.timeZone ?? "UTC")
        let before = try await view.store.site(id: id)
        let audit = try Auditor(context, time: dependencies.clock())
        try await view.store.saveSite(site, audit: audit.entry(before == nil ? "site.create" : "site.update", "site:\(id)",
                                                               before: before.map(APIModels.SiteItem.init),
                                                               after: APIModels.SiteItem(site)))
        return try JSONResponse.make(APIModels.SiteItem(site), status: before == nil ? .created : .ok)
    }

    @Sendable func delete(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let id = try context.parameters.decoded("id")
        let before = try await view.store.site(id: id)
        let audit = try Auditor(context, time: dependencies.clock())
        try await view.store.deleteSite(id: id, audit: audit.entry("site.delete", "site:\(id)", before: before.map(APIModels.SiteItem.init)))
        return Response(status: .noContent)
    }
}
