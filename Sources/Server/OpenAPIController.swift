import Foundation
import Hummingbird

/// `GET /api/openapi.json`: the API described in OpenAPI 3.1, kept in step with the router by a test.
struct OpenAPIController {
    /// The document, read once from the target's resources.
    static let document: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "OpenAPI"),
              let data = try? Data(contentsOf: url)
        else { return Array(#"{"openapi":"3.1.0"}"#.utf8) }
        return [UInt8](data)
    }()

    func addRoutes(to router: Router<FootfallRequestContext>) {
        router.get("api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: Self.document)))
        }
    }
}
