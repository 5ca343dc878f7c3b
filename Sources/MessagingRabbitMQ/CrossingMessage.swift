import CountingCore
import Foundation
import Messaging
import NIOCore
import Storage

/// A crossing on the wire: one JSON object per message, its id also the message id.
public enum CrossingMessage {
    private struct Body: Codable {
        var id: String
        var camera: String
        var line: String
        var direction: CrossingDirection
        var track: Int
        /// Milliseconds since 1970.
        var time: Int64
    }

    /// The message that carries `crossing` to the ingest consumer.
    public static func message(for crossing: CrossingRecord, exchange: String) -> AMQPMessage {
        let body = Body(id: crossing.id, camera: crossing.cameraID, line: crossing.line, direction: crossing.direction,
                        track: crossing.trackID, time: Int64((crossing.time.timeIntervalSince1970 * 1000).rounded()))
        // Encoding a plain struct of strings and numbers cannot fail.
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        var properties = AMQPBasicProperties()
        properties.contentType = "application/json"
        properties.deliveryMode = AMQPBasicProperties.persistent
        properties.messageID = crossing.id
        return AMQPMessage(exchange: exchange, routingKey: FootfallTopology.crossingKey(camera: crossing.cameraID),
                           body: ByteBuffer(bytes: data), properties: properties, mandatory: true)
    }

    /// Reads a crossing; the error names what is wrong.
    public static func crossing(from body: ByteBuffer) throws(MessagingError) -> CrossingRecord {
        let decoded: Body
        do {
            decoded = try JSONDecoder().decode(Body.self, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            throw .invalidMessage(field: error.path, reason: error.reason)
        } catch {
            throw .invalidMessage(field: "body", reason: "\(error)")
        }
        return CrossingRecord(id: decoded.id, cameraID: decoded.camera, line: decoded.line, direction: decoded.direction,
                              trackID: decoded.track, time: Date(timeIntervalSince1970: Double(decoded.time) / 1000))
    }
}

extension DecodingError {
    fileprivate var path: String {
        let context: Context? = switch self {
        case .keyNotFound(let key, let context): Context(codingPath: context.codingPath + [key], debugDescription: "")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context
        @unknown default: nil
        }
        let keys = context?.codingPath.map(\.stringValue).joined(separator: ".") ?? ""
        return keys.isEmpty ? "body" : keys
    }

    fileprivate var reason: String {
        switch self {
        case .keyNotFound: "missing"
        case .typeMismatch(let type, _): "expected \(type)"
        case .valueNotFound(let type, _): "expected \(type), found null"
        case .dataCorrupted(let context): context.debugDescription.isEmpty ? "not JSON" : context.debugDescription
        @unknown default: "unreadable"
        }
    }
}
