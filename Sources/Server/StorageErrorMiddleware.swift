import Hummingbird
import Storage

/// Turns storage errors into API errors: bad input 400, not found 404, conflicts 409, a
/// failing backend 503 (its details are logged, not shown).
struct StorageErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as StorageError {
            switch error {
            case .invalidInput(let field, let reason): throw APIError(.badRequest, field: Self.apiField(field), message: reason)
            case .notFound(let field, let reason): throw APIError(.notFound, field: Self.apiField(field), message: reason)
            case .conflict(let field, let reason): throw APIError(.conflict, field: Self.apiField(field), message: reason)
            case .backend, .migrationChanged:
                context.logger.error("api.storage_failed", metadata: ["error": "\(error)"])
                throw APIError(.serviceUnavailable, message: "the database is not answering; try again shortly")
            }
        }
    }

    /// A storage field (`camera.geometry.lines[0].b`) as the API's body names it (`lines[0].b`).
    static func apiField(_ field: String) -> String {
        for prefix in ["camera.geometry.", "camera.", "user.", "site.", "credential.", "tenant."] where field.hasPrefix(prefix) {
            return String(field.dropFirst(prefix.count))
        }
        return field
    }
}
