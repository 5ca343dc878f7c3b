import Foundation
import Hummingbird
import HummingbirdWebSocket
import Storage

/// `/api/v1/cameras…`: the camera list, count history and snapshots.
struct CameraController {
    let dependencies: ServerDependencies

    func addRoutes(to group: RouterGroup<FootfallRequestContext>) {
        group.get("cameras", use: list)
        group.get("cameras/:id/counts", use: counts)
        group.get("cameras/:id/snapshot.jpg", use: snapshot)
        group.get("cameras/:id/events", use: events)
    }

    @Sendable func list(_ request: Request, context: some RequestContext) async throws -> Response {
        let cameras = try await dependencies.store.cameras()
        var items: [APIModels.CameraItem] = []
        for camera in cameras {
            let status = await dependencies.live.state(cameraID: camera.id)?.status ?? .offline
            items.append(.init(id: camera.id, name: camera.name, status: status,
                               lines: camera.geometry.lines, zones: camera.geometry.zones))
        }
        return try JSONResponse.make(APIModels.CameraList(cameras: items))
    }

    @Sendable func counts(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await dependencies.store.camera(id: id) != nil else { throw APIError.notFound(camera: id) }
        let query = try CountsQuery(request.uri.queryParameters, now: dependencies.clock())
        let series = try await dependencies.store.countSeries(cameraID: id, from: query.from, to: query.to, bucket: query.bucket)
        let body = APIModels.Counts(
            camera: id, bucket: query.bucket.rawValue, from: query.from, to: query.to,
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

    @Sendable func snapshot(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await dependencies.store.camera(id: id) != nil else { throw APIError.notFound(camera: id) }
        guard let jpeg = await dependencies.live.snapshot(cameraID: id) else {
            throw APIError(.serviceUnavailable, field: "id", message: "camera \"\(id)\" has no frame yet")
        }
        return Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
    }

    /// Status changes of a camera, newest first: `?limit=` (1–1000, default 100).
    @Sendable func events(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await dependencies.store.camera(id: id) != nil else { throw APIError.notFound(camera: id) }
        var limit = 100
        if let text = request.uri.queryParameters["limit"] {
            guard let value = Int(text), (1...1_000).contains(value) else {
                throw APIError(.badRequest, field: "limit", message: "limit must be a whole number from 1 to 1000")
            }
            limit = value
        }
        let events = try await dependencies.store.cameraEvents(cameraID: id, from: .distantPast, to: .distantFuture, limit: limit)
        return try JSONResponse.make(APIModels.CameraEvents(
            camera: id, events: events.map { .init(time: $0.time, status: $0.status, reason: $0.reason) }))
    }
}
