import Foundation
import Hummingbird
import Storage

/// `/api/v1/models…`: the detection models of the caller's tenant, the cameras using each,
/// and what each did per camera and minute. A camera is given a model through its `detector`
/// field (`PATCH /api/v1/cameras/{id}`), which each model lists.
struct ModelController {
    let dependencies: ServerDependencies

    /// The most minutes read to sum a model's last hour.
    static let lastHourLimit = 100_000

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .get, "models", .role(.viewer), use: list)
        table.add(group, .get, "models/logs", .role(.viewer), use: logs)
    }

    @Sendable func list(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let now = dependencies.clock()
        let models = try await view.store.models()
        let cameras = try await view.cameras()
        let visible = Set(cameras.map(\.id))
        // Pushed detections come from the camera's own model, not one of these.
        let analysed = cameras.filter { $0.sourceKind != .external }
        let minutes = try await view.store.modelMinutes(cameraID: nil, modelName: nil, from: now.addingTimeInterval(-3_600), to: now,
                                                        limit: Self.lastHourLimit)
            .filter { visible.contains($0.cameraID) }
        // Several versions may be registered for one detector value; cameras run the newest.
        var current: [String: AIModel] = [:]
        for model in models where current[model.detector].map({ ($0.registered, $0.version) < (model.registered, model.version) }) ?? true {
            current[model.detector] = model
        }
        let items = models.map { model in
            let users = current[model.detector] == model ? analysed.filter { $0.detector == model.detector }.map(\.id) : []
            return APIModels.ModelItem(model, cameras: users, lastHour: minutes.filter {
                $0.modelName == model.name && $0.modelVersion == model.version
            })
        }
        return try JSONResponse.make(APIModels.ModelList(models: items))
    }

    @Sendable func logs(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let parameters = request.uri.queryParameters
        let now = dependencies.clock()
        let to = try parameters.listTime("to") ?? now
        let from = try parameters.listTime("from") ?? to.addingTimeInterval(-3_600)
        guard from < to else { throw APIError(.badRequest, field: "from", message: "from must be before to") }
        var cameraID: String?
        if let camera = parameters.get("camera") { cameraID = try await view.camera(camera).id }
        let visible = Set(try await view.cameras().map(\.id))
        let minutes = try await view.store.modelMinutes(cameraID: cameraID, modelName: parameters.get("model"), from: from, to: to,
                                                        limit: Self.lastHourLimit)
            .filter { visible.contains($0.cameraID) }
            .prefix(try parameters.listLimit() ?? 100)
        return try JSONResponse.make(APIModels.ModelMinuteList(minutes: minutes.map(APIModels.ModelMinuteItem.init)))
    }
}
