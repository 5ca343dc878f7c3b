import Foundation
import Hummingbird

/// Serves the dashboard: every file under the target's `Dashboard` resources, read once at
/// start. Each file gets its own route, so nothing outside that folder can be asked for.
struct DashboardController {
    /// A file of the dashboard, ready to send.
    struct File: Sendable {
        var contentType: String
        var body: ByteBuffer
    }

    /// Files by their path under the dashboard folder (`index.html`, `js/app.js`).
    let files: [String: File]

    init() {
        let root = Bundle.module.url(forResource: "Dashboard", withExtension: nil)
        self.init(directory: root ?? URL(fileURLWithPath: "/nonexistent"))
    }

    /// Reads every file under `directory`.
    init(directory: URL) {
        var files: [String: File] = [:]
        let base = directory.standardizedFileURL.resolvingSymlinksInPath().path
        let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                  let data = try? Data(contentsOf: url)
            else { continue }
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            guard path.hasPrefix(base + "/") else { continue }
            let relative = String(path.dropFirst(base.count + 1))
            files[relative] = File(contentType: Self.contentType(of: relative), body: ByteBuffer(bytes: data))
        }
        self.files = files
    }

    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: "application/octet-stream"
        }
    }

    func addRoutes(to router: Router<FootfallRequestContext>) {
        router.get("/") { _, _ in try serve("index.html") }
        for path in files.keys.sorted() {
            router.get(RouterPath(path)) { _, _ in try serve(path) }
        }
    }

    private func serve(_ path: String) throws -> Response {
        guard let file = files[path] else {
            throw APIError(.notFound, message: "the dashboard file \(path) is missing from this build")
        }
        return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache",
                                               .init("X-Content-Type-Options")!: "nosniff"],
                        body: .init(byteBuffer: file.body))
    }
}
