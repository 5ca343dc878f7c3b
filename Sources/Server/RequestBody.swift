import Foundation
import Hummingbird
import Messaging

/// The fields a JSON request body may have, so that unknown ones are refused by name rather
/// than silently ignored (a misspelt `analysisRate` would otherwise do nothing).
indirect enum BodyShape: Sendable {
    case object([String: BodyShape])
    case array(BodyShape)
    /// A number, string, boolean or null.
    case value
    /// Anything (the shape is checked by decoding).
    case any
}

/// Reads JSON request bodies the same way everywhere: within a size limit (413 beyond),
/// with no unknown fields, and decoding errors that name the field.
enum RequestBody {
    /// Bytes a JSON body may have unless a route says otherwise.
    static let defaultLimit = 256 << 10

    /// Decodes the body as `T`; also returns the top-level keys present, so PATCH can tell a
    /// field set to null from a field left out.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, shape: BodyShape, limit: Int = defaultLimit)
        async throws -> (value: T, keys: Set<String>)
    {
        let buffer = try await request.body.collect(upTo: limit)
        let data = Data(buffer: buffer)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError(.badRequest, field: "body", message: "the body is not valid JSON")
        }
        guard let top = object as? [String: Any] else {
            throw APIError(.badRequest, field: "body", message: "the body must be a JSON object")
        }
        try check(top, against: shape, path: "")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let date = ISO8601Time.parse(try container.decode(String.self)) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO 8601 time")
        }
        do {
            return (try decoder.decode(T.self, from: data), Set(top.keys))
        } catch let error as DecodingError {
            throw APIError(.badRequest, field: error.fieldPath, message: "invalid \(error.fieldPath): \(error.reason)")
        }
    }

    private static func check(_ value: Any, against shape: BodyShape, path: String) throws {
        switch shape {
        case .any, .value:
            return
        case .object(let fields):
            guard let object = value as? [String: Any] else { return }
            for key in object.keys.sorted() {
                let field = path.isEmpty ? key : "\(path).\(key)"
                guard let inner = fields[key] else {
                    throw APIError(.badRequest, field: field, message: "unknown field \(field)")
                }
                try check(object[key]!, against: inner, path: field)
            }
        case .array(let element):
            guard let array = value as? [Any] else { return }
            for (index, item) in array.enumerated() { try check(item, against: element, path: "\(path)[\(index)]") }
        }
    }
}
