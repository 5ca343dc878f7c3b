import CountingCore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Messaging
import Storage

/// `/api/v1/cameras…`: cameras as managed resources, their lines and zones (versioned), count
/// history, snapshots and status events.
struct CameraController {
    let dependencies: ServerDependencies
    let sources: CameraSourcePolicy
    let cameraLists: CameraListCache

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .get, "cameras", .role(.viewer), use: list)
        table.add(group, .post, "cameras", .role(.operator), use: create)
        table.add(group, .get, "cameras/:id", .role(.viewer), use: show)
        table.add(group, .patch, "cameras/:id", .role(.operator), use: update)
        table.add(group, .delete, "cameras/:id", .role(.operator), use: delete)
        table.add(group, .get, "cameras/:id/geometry", .role(.viewer), use: geometry)
        table.add(group, .put, "cameras/:id/geometry", .role(.operator), use: setGeometry)
        table.add(group, .get, "cameras/:id/geometry/versions", .role(.viewer), use: geometryVersions)
        table.add(group, .get, "cameras/:id/counts", .role(.viewer), use: counts)
        table.add(group, .get, "cameras/:id/snapshot.jpg", .role(.viewer), use: snapshot)
        table.add(group, .get, "cameras/:id/events", .role(.viewer), use: events)
    }

    private func detail(_ camera: Camera) async -> APIModels.CameraDetail {
        APIModels.CameraDetail(camera, status: await dependencies.live.state(cameraID: camera.id)?.status ?? .offline)
    }

    @Sendable func list(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        var items: [APIModels.CameraDetail] = []
        for camera in try await view.cameras() { items.append(await detail(camera)) }
        return try JSONResponse.make(APIModels.CameraDetailList(cameras: items))
    }

    @Sendable func show(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let camera = try await TenantView(dependencies, context).camera(try context.parameters.decoded("id"))
        return try JSONResponse.make(await detail(camera))
    }

    @Sendable func create(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let (body, _) = try await RequestBody.decode(APIModels.CameraCreate.self, from: request, shape: APIModels.CameraCreate.shape)
        let camera = Camera(
            id: body.id, name: body.name, source: try sources.validate(body.source),
            geometry: Geometry(lines: body.lines ?? [], zones: body.zones ?? []), siteID: body.siteID,
            detector: try DetectorPolicy.validate(body.detector ?? Camera.defaultDetector), analysisRate: body.analysisRate,
            enabled: body.enabled ?? true)
        try await checkSite(camera.siteID, view: view)
        let audit = try Auditor(context, time: dependencies.clock())
        try await view.store.createCamera(camera, audit: audit.entry("camera.create", "camera:\(camera.id)",
                                                                     after: APIModels.CameraAudit(camera)))
        let stored = try await view.camera(camera.id)
        await announce(stored, .created, view: view)
        return try JSONResponse.make(await detail(stored), status: .created)
    }

    @Sendable func update(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let before = try await view.camera(try context.parameters.decoded("id"))
        let (patch, keys) = try await RequestBody.decode(APIModels.CameraPatch.self, from: request, shape: APIModels.CameraPatch.shape)
        var camera = before
        if let name = patch.name { camera.name = name }
        if let source = patch.source { camera.source = try sources.validate(source) }
        if keys.contains("siteID") { camera.siteID = patch.siteID }
        if let detector = patch.detector { camera.detector = try DetectorPolicy.validate(detector) }
        if keys.contains("analysisRate") { camera.analysisRate = patch.analysisRate }
        if let enabled = patch.enabled { camera.enabled = enabled }
        if camera.siteID != before.siteID { try await checkSite(camera.siteID, view: view) }
        let audit = try Auditor(context, time: dependencies.clock())
        try await view.store.updateCamera(camera, audit: audit.entry(
            "camera.update", "camera:\(camera.id)", before: APIModels.CameraAudit(before), after: APIModels.CameraAudit(camera)))
        let stored = try await view.camera(camera.id)
        await announce(stored, .updated, view: view)
        return try JSONResponse.make(await detail(stored))
    }

    @Sendable func delete(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let camera = try await view.camera(try context.parameters.decoded("id"))
        let audit = try Auditor(context, time: dependencies.clock())
        try await view.store.deleteCamera(id: camera.id, audit: audit.entry("camera.delete", "camera:\(camera.id)",
                                                                            before: APIModels.CameraAudit(camera)))
        await announce(camera, .deleted, view: view)
        return Response(status: .noContent)
    }

    @Sendable func geometry(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let camera = try await TenantView(dependencies, context).camera(try context.parameters.decoded("id"))
        return try JSONResponse.make(APIModels.GeometryDetail(camera))
    }

    /// Replaces the lines and zones with a new version; running pipelines count with it from
    /// their next frame. Points must lie inside the camera's frame once its size is known.
    @Sendable func setGeometry(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let camera = try await view.camera(try context.parameters.decoded("id"))
        let (body, _) = try await RequestBody.decode(APIModels.GeometryBody.self, from: request, shape: APIModels.GeometryBody.shape)
        let geometry = body.geometry
        let live = await dependencies.live.state(cameraID: camera.id)
        let frame = live.flatMap { state in
            state.frameWidth.flatMap { width in state.frameHeight.map { (Double(width), Double($0)) } }
        }
        do throws(CountingCoreError) {
            try geometry.validate(frame: frame)
        } catch {
            switch error {
            case .invalidGeometry(let field, let reason): throw APIError(.badRequest, field: field, message: reason)
            }
        }
        let audit = try Auditor(context, time: dependencies.clock())
        let version = try await view.store.setGeometry(
            cameraID: camera.id, geometry: geometry,
            audit: audit.entry("geometry.set", "camera:\(camera.id)", before: APIModels.GeometryDetail(camera),
                               after: APIModels.GeometryBody.Audit(geometry)))
        var changed = camera
        changed.geometry = geometry
        changed.geometryVersion = version.version
        await announce(changed, .geometry, view: view)
        return try JSONResponse.make(APIModels.GeometryDetail(version))
    }

    @Sendable func geometryVersions(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let camera = try await view.camera(try context.parameters.decoded("id"))
        let versions = try await view.store.geometryVersions(cameraID: camera.id)
        return try JSONResponse.make(APIModels.GeometryHistory(camera: camera.id, versions: versions.reversed().map(APIModels.GeometryDetail.init)))
    }

    @Sendable func counts(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let camera = try await view.camera(try context.parameters.decoded("id"))
        let query = try CountsQuery(request.uri.queryParameters, now: dependencies.clock())
        let series = try await view.store.countSeries(cameraID: camera.id, from: query.from, to: query.to, bucket: query.bucket)
        let body = APIModels.Counts(
            camera: camera.id, bucket: query.bucket.rawValue, from: query.from, to: query.to,
            lines: series.lines.keys.sorted().map { name in
                .init(name: name, buckets: series.lines[name]!.map { .init(start: $0.start, in: $0.countIn, out: $0.countOut) })
            },
            zones: series.zones.keys.sorted().map { name in
                .init(name: name, buckets: series.zones[name]!.map {
                    .init(start: $0.start, min: $0.minimum, max: $0.maximum, mean: ($0.mean * 100).rounded() / 100)
                })
            })
        return try JSONResponse.make(body)
    }

    @Sendable func snapshot(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let camera = try await TenantView(dependencies, context).camera(try context.parameters.decoded("id"))
        let kind: SnapshotKind
        switch request.uri.queryParameters["overlay"] {
        case nil, "true": kind = .annotated
        case "false": kind = .plain
        default: throw APIError(.badRequest, field: "overlay", message: "overlay must be true or false")
        }
        guard let jpeg = await dependencies.live.snapshot(cameraID: camera.id, kind: kind) else {
            throw APIError(.serviceUnavailable, field: "id", message: "camera \"\(camera.id)\" has no frame yet")
        }
        return Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
    }

    /// Status changes of a camera, newest first: `?limit=` (1–1000, default 100).
    @Sendable func events(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let camera = try await view.camera(try context.parameters.decoded("id"))
        var limit = 100
        if let text = request.uri.queryParameters["limit"] {
            guard let value = Int(text), (1...1_000).contains(value) else {
                throw APIError(.badRequest, field: "limit", message: "limit must be a whole number from 1 to 1000")
            }
            limit = value
        }
        let events = try await view.store.cameraEvents(cameraID: camera.id, from: .distantPast, to: .distantFuture, limit: limit)
        return try JSONResponse.make(APIModels.CameraEvents(
            camera: camera.id, events: events.map { .init(time: $0.time, status: $0.status, reason: $0.reason) }))
    }

    /// A camera's site must exist, and be one the caller was granted.
    private func checkSite(_ site: String?, view: TenantView) async throws {
        guard view.mayUse(site: site) else {
            throw APIError(.forbidden, field: "siteID", message: "you may only manage cameras of the sites you were granted")
        }
        if let site, try await view.store.site(id: site) == nil {
            throw APIError(.badRequest, field: "siteID", message: "no site with id \"\(site.prefix(64))\"")
        }
    }

    /// Tells every pipeline and dashboard that the camera changed.
    private func announce(_ camera: Camera, _ change: LiveMessage.CameraChange.Change, view: TenantView) async {
        cameraLists.invalidate(tenant: view.caller.user.tenantID)
        await dependencies.bus.publish(.camera(.init(cameraID: camera.id, tenantID: view.caller.user.tenantID, change: change,
                                                     geometryVersion: camera.geometryVersion, time: dependencies.clock())))
    }
}

extension APIModels.GeometryBody {
    /// The geometry as the audit trail records it.
    struct Audit: Encodable {
        var lines: [CountingLine]
        var zones: [Zone]

        init(_ geometry: Geometry) {
            lines = geometry.lines
            zones = geometry.zones
        }
    }
}
