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
            throw APIError(.serviceUnavailable, field: "id", message: "camera \"\(camera.id)\" has no frame yet")
        }
        return try JSONResponse.make(APIModels.FileItem(file), status: .created)
    }

    /// Kept snapshots of the cameras the caller may see, newest first: `?camera=&limit=`.
    @Sendable func snapshots(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let parameters = request.uri.queryParameters
        let sites: Set<String>? = view.caller.user.sites.isEmpty ? nil : Set(view.caller.user.sites)
        let limit = try parameters.listLimit() ?? 100
        var files = try await view.store.files(kind: .snapshot, siteIDs: sites, limit: 1_000)
        if let camera = parameters.get("camera") {
            let id = try await view.camera(camera).id
            files = files.filter { $0.key.split(separator: "/").dropFirst(2).first.map(String.init) == id }
        }
        return try JSONResponse.make(APIModels.FileList(files: Array(files.prefix(limit)).map(APIModels.FileItem.init)))
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
