import HTTPTypes
import Hummingbird

/// Answers `HEAD` wherever `GET` is: the same status and headers, no body. It wraps the whole
/// router, since routes are found before router middleware runs.
struct HeadResponder<Base: HTTPResponder>: HTTPResponder where Base.Context == FootfallRequestContext {
    typealias Context = FootfallRequestContext

    let base: Base

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else { return try await base.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        let response = try await base.respond(to: Request(head: head, body: request.body), context: context)
        var headers = response.headers
        if headers[.contentLength] == nil, let length = response.body.contentLength {
            headers[.contentLength] = String(length)
        }
        return Response(status: response.status, headers: headers, body: .init())
    }
}
