import Foundation
import HTTPTypes
import Hummingbird

/// The server's error: an HTTP status and a message that names the field at fault.
/// The body is `{"error":{"field":"from","message":"…"}}`.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var field: String?
    public var message: String

    public init(_ status: HTTPResponse.Status, field: String? = nil, message: String) {
        self.status = status
        self.field = field
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(ErrorBody(error: .init(field: field, message: message)))
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func notFound(camera id: String) -> APIError {
        APIError(.notFound, field: "id", message: "no camera with id \"\(id)\"")
    }
}

/// `{"error":{"field":…,"message":…}}`
private struct ErrorBody: Encodable {
    struct Detail: Encodable {
        var field: String?
        var message: String
    }

    var error: Detail
}
