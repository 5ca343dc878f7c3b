import Foundation
import Hummingbird
import Messaging
import Storage

/// `/api/v1/workers`: the processes counting cameras, what each can carry and which of the
/// caller's cameras it counts, from the workers' own announcements.
struct WorkerController {
    let dependencies: ServerDependencies

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .get, "workers", .role(.viewer), use: list)
    }

    @Sendable func list(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let cameras = try await view.cameras()
        let visible = Set(cameras.map(\.id))
        let announced: [WorkerStatus]
        do {
            announced = try await dependencies.workers.workers()
        } catch {
            throw APIError(.serviceUnavailable, message: "the worker registry is not answering")
        }
        let now = dependencies.clock()
        let workers = announced.map { APIModels.WorkerItem($0, visible: visible, tenantID: view.caller.user.tenantID, now: now) }
        let counted = Set(workers.flatMap(\.cameras))
        let unassigned = cameras.filter { $0.enabled && !counted.contains($0.id) }.map(\.id).sorted()
        return try JSONResponse.make(APIModels.WorkerList(workers: workers, unassigned: unassigned))
    }
}
