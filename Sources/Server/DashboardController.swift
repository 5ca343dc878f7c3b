import Foundation
import Hummingbird
import HummingbirdWebSocket

/// Serves the dashboard's static files, read once from the target's resources.
struct DashboardController {
    private let files: [String: (contentType: String, body: [UInt8])]

    init() {
        var files: [String: (String, [UInt8])] = [:]
        let types = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8",
                     "css": "text/css; charset=utf-8"]
        for name in ["index.html", "app.js", "style.css"] {
            let parts = name.split(separator: ".")
            guard let url = Bundle.module.url(forResource: String(parts[0]), withExtension: String(parts[1]),
                                              subdirectory: "Dashboard"),
                  let data = try? Data(contentsOf: url)
            else { continue }
            files[name] = (types[String(parts[1])] ?? "application/octet-stream", [UInt8](data))
        }
        self.files = files
    }

    func addRoutes(to router: Router<FootfallRequestContext>) {
        router.get("/") { _, _ in try serve("index.html") }
        router.get("app.js") { _, _ in try serve("app.js") }
        router.get("style.css") { _, _ in try serve("style.css") }
    }

    private func serve(_ name: String) throws -> Response {
        guard let file = files[name] else {
            throw APIError(.notFound, message: "the dashboard file \(name) is missing from this build")
        }
        return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(bytes: file.body)))
    }
}
