import Foundation
import Hummingbird
import Storage

/// Stored files: `GET /api/v1/reports` lists a tenant's scheduled reports (of the sites the
/// caller may see), and `GET /api/v1/files/{id}` downloads one (or, from S3, redirects to a
/// presigned link valid for 5 minutes). A file the caller may not see answers 404, as one that
/// does not exist.
struct FileController {
    let dependencies: ServerDependencies

    /// How long a download link to S3 holds.
    static let linkLifetime: Duration = .seconds(300)

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .get, "reports", .role(.viewer), use: reports)
        table.add(group, .get, "files/:id", .role(.viewer), use: download)
        table.add(group, .post, "cameras/:id/snapshots", .role(.operator), use: saveSnapshot)
        table.add(group, .get, "snapshots", .role(.viewer), use: snapshots)
        table.add(group, .post, "cameras/:id/exports", .role(.viewer), use: export)
        table.add(group, .get, "exports", .role(.viewer), use: exports)
    }

    @Sendable func reports(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let parameters = request.uri.queryParameters
        var sites: Set<String>? = view.caller.user.sites.isEmpty ? nil : Set(view.caller.user.sites)
        if let site = parameters.get("site") {
            guard view.mayUse(site: site), try await view.store.site(id: site) != nil else {
                throw APIError(.notFound, field: "site", message: "no site with id \"\(site.prefix(64))\"")
            }
            sites = [site]
        }
        let files = try await view.store.files(kind: .report, siteIDs: sites, limit: try parameters.listLimit() ?? 100)
        return try JSONResponse.make(APIModels.FileList(files: files.map(APIModels.FileItem.init)))
    }

    /// Keeps the camera's latest picture as a file (people pixelated unless `snapshot-blur` is off).
    @Sendable func saveSnapshot(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let camera = try await view.camera(try context.parameters.decoded("id"))
        guard let saver = dependencies.snapshots else {
            throw APIError(.serviceUnavailable, message: "no file store is configured to keep snapshots in")
        }
        let now = dependencies.clock()
        let audit = try Auditor(context, time: now).entry("snapshot.save", "camera:\(camera.id)")
        guard let file = try await saver.save(camera, tenantID: view.caller.user.tenantID, reason: "request", in: view.store,
                                              now: now, audit: audit)
        else {
            throw APIError(.conflict, field: "id", message: "camera \"\(camera.id)\" has no frame yet")
        }
        return try JSONResponse.make(APIModels.FileItem(file), status: .created)
    }

    /// Kept snapshots of the cameras the caller may see, newest first: `?camera=&limit=`.
    @Sendable func snapshots(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        try await list(.snapshot, request, context: context)
    }

    /// A camera's counts over a range (`?from=&to=&bucket=`, as `GET …/counts`) kept as a CSV file.
    @Sendable func export(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let camera = try await view.camera(try context.parameters.decoded("id"))
        guard let files = dependencies.files else {
            throw APIError(.serviceUnavailable, message: "no file store is configured to keep exports in")
        }
        let now = dependencies.clock()
        let query = try CountsQuery(request.uri.queryParameters, now: now)
        let series = try await view.store.countSeries(cameraID: camera.id, from: query.from, to: query.to, bucket: query.bucket)
        let audit = try Auditor(context, time: now).entry("export.create", "camera:\(camera.id)")
        let file = try await CountExport(camera: camera, query: query, series: series)
            .store(tenantID: view.caller.user.tenantID, files: files, catalog: view.store, keepFor: dependencies.exportsKeepFor,
                   now: now, audit: audit)
        return try JSONResponse.make(APIModels.FileItem(file), status: .created)
    }

    /// Kept count exports of the cameras the caller may see, newest first: `?camera=&limit=`.
    @Sendable func exports(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        try await list(.export, request, context: context)
    }

    /// Files of `kind` kept per camera (keys `<kind>s/<tenant>/<camera>/…`), of the sites the
    /// caller may see, newest first.
    private func list(_ kind: StoredFile.Kind, _ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let parameters = request.uri.queryParameters
        let sites: Set<String>? = view.caller.user.sites.isEmpty ? nil : Set(view.caller.user.sites)
        let limit = try parameters.listLimit() ?? 100
        var prefix: String?
        if let camera = parameters.get("camera") {
            let id = try await view.camera(camera).id
            prefix = "\(kind.rawValue)s/\(view.caller.user.tenantID.uuidString.lowercased())/\(id)/"
        }
        let files = try await view.store.files(kind: kind, siteIDs: sites, keyPrefix: prefix, limit: limit)
        return try JSONResponse.make(APIModels.FileList(files: files.map(APIModels.FileItem.init)))
    }

    @Sendable func download(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let text = try context.parameters.decoded("id")
        guard let id = UUID(uuidString: text), let file = try await view.store.file(id: id), view.mayUse(site: file.siteID),
              let files = dependencies.files
        else {
            throw APIError(.notFound, field: "id", message: "no file with id \"\(text.prefix(64))\"")
        }
        // From S3, the caller fetches the bytes themselves, through a link that soon expires.
        if let link = try await files.downloadURL(key: file.key, expiresIn: Self.linkLifetime) {
            return Response(status: .found, headers: [.location: link, .cacheControl: "no-store"])
        }
        guard let data = try await files.get(key: file.key) else {
            throw APIError(.notFound, field: "id", message: "no file with id \"\(text.prefix(64))\"")
        }
        let headers: HTTPFields = [
            .contentType: file.contentType,
            .contentDisposition: "attachment; filename=\"\(file.name)\"",
            // A stored page has no scripts: it may be opened, but runs nothing and loads nothing.
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
