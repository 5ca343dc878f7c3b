import CountingCore
import Foundation
import Messaging
import NIOCore
import Storage

/// Crossings on the wire: one message per camera and hand-over, `{"crossings":[…]}` with up to
/// `maximumCrossings` crossings, the first crossing's id as the message id. Packing a frame's
/// (or a backlog's) crossings into one message spares the broker per-message work; the store
/// still drops each crossing it already has.
public enum CrossingMessage {
    /// Crossings per message at most.
    public static let maximumCrossings = 500

    private struct Envelope: Codable {
        var crossings: [Body]
    }

    private struct Body: Codable {
        var id: String
        var camera: String
        var line: String
        var direction: CrossingDirection
        var track: Int
        /// Milliseconds since 1970.
        var time: Int64
        /// The geometry version (absent in messages from before it was carried: 1).
        var version: Int?
        /// The lease's fencing token, when counted under a lease.
        var lease: Int64?
        /// When the worker counted it, milliseconds since 1970 (see `CrossingRecord.countedAt`).
        var counted: Int64?
    }

    /// The messages that carry `crossings` to the ingest consumer: one per camera (in order of
    /// first appearance) and per `maximumCrossings`.
    public static func messages(for crossings: [CrossingRecord], exchange: String) -> [AMQPMessage] {
        var cameras: [String] = []
        var byCamera: [String: [CrossingRecord]] = [:]
        for crossing in crossings {
            if byCamera[crossing.cameraID] == nil { cameras.append(crossing.cameraID) }
            byCamera[crossing.cameraID, default: []].append(crossing)
        }
        var messages: [AMQPMessage] = []
        for camera in cameras {
            let all = byCamera[camera] ?? []
            for start in stride(from: 0, to: all.count, by: maximumCrossings) {
                let chunk = all[start..<min(all.count, start + maximumCrossings)]
                let envelope = Envelope(crossings: chunk.map {
                    Body(id: $0.id, camera: $0.cameraID, line: $0.line, direction: $0.direction, track: $0.trackID,
                         time: Int64(($0.time.timeIntervalSince1970 * 1000).rounded()), version: $0.geometryVersion,
                         lease: $0.leaseToken, counted: $0.countedAt.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) })
                })
                // Encoding plain structs of strings and numbers cannot fail.
                let data = (try? JSONEncoder().encode(envelope)) ?? Data()
                var properties = AMQPBasicProperties()
                properties.contentType = "application/json"
                properties.deliveryMode = AMQPBasicProperties.persistent
                properties.messageID = chunk.first?.id
                messages.append(AMQPMessage(exchange: exchange, routingKey: FootfallTopology.crossingKey(camera: camera),
                                            body: ByteBuffer(bytes: data), properties: properties, mandatory: true))
            }
        }
        return messages
    }

    /// Reads the crossings of one message; the error names what is wrong.
    public static func crossings(from body: ByteBuffer) throws(MessagingError) -> [CrossingRecord] {
        let decoded: Envelope
        do {
            decoded = try JSONDecoder().decode(Envelope.self, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            throw .invalidMessage(field: error.fieldPath, reason: error.reason)
        } catch {
            throw .invalidMessage(field: "body", reason: "\(error)")
        }
        return decoded.crossings.map {
            CrossingRecord(id: $0.id, cameraID: $0.camera, line: $0.line, direction: $0.direction, trackID: $0.track,
                           time: Date(timeIntervalSince1970: Double($0.time) / 1000), geometryVersion: $0.version ?? 1,
                           leaseToken: $0.lease, countedAt: $0.counted.map { Date(timeIntervalSince1970: Double($0) / 1000) })
        }
    }
}
