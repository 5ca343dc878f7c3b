import CountingCore
import FootfallSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Messaging

/// `POST /api/v1/cameras/:id/detections`: people found by a smart camera, pushed to Footfall.
///
/// Body: `{"frames":[{"time":"2026-11-25T10:00:00.100Z","people":[{"x":10,"y":20,"width":40,"height":90,"confidence":0.8}]}]}`
/// with boxes in the camera's pixels. Answers 202 once the frames are queued for the camera's
/// pipeline, whose tracker and counters treat them like any detector's.
struct DetectionController {
    let dependencies: ServerDependencies
    let window: PushWindow
    /// The tenant's cameras, kept a second: a camera pushing every second costs the database
    /// one read a second per API process rather than one per push.
    let cameraLists: CameraListCache
    /// Refuse pushes without a valid `X-Footfall-Signature`; when false, only a signature sent is checked.
    var requireSignature = false
    /// The last frame each camera pushed through this server.
    let times = PushedFrameTimes()
    /// Frames accepted in one request, so one request cannot hold the pipeline up for long.
    static let maximumFrames = 1_000
    static let maximumPeople = 500

    struct Body: Decodable {
        struct Frame: Decodable {
            var time: Date
            var people: [Person]
        }

        struct Person: Decodable {
            var x: Double
            var y: Double
            var width: Double
            var height: Double
            var confidence: Double?
        }

        var frames: [Frame]
    }

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .post, "cameras/:id/detections", .role(.operator), use: push)
    }

    /// The id of camera `requested` if the caller may push to it: from the kept list, else (a
    /// camera added through another API process in the last second) from the store.
    private func pushedCamera(_ requested: String, context: FootfallRequestContext) async throws -> String {
        let view = try TenantView(dependencies, context)
        let kept = try await cameraLists.cameras(tenant: view.caller.user.tenantID, now: dependencies.clock()) {
            try await view.store.cameras()
        }
        if let camera = kept.first(where: { $0.id == requested }) {
            guard view.mayUse(site: camera.siteID) else { throw APIError.notFound(camera: requested) }
            return camera.id
        }
        return try await view.camera(requested).id
    }

    @Sendable func push(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        // A form or a `text/plain` post is what another site can make a browser send; a camera sends JSON.
        guard let type = request.headers[.contentType]?.lowercased(),
              type.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) == "application/json"
        else {
            throw APIError(.unsupportedMediaType, field: "Content-Type", message: "send the detections as application/json")
        }
        let id = try await pushedCamera(try context.parameters.decoded("id"), context: context)
        let buffer = try await request.body.collect(upTo: 4 << 20)
        try checkSignature(request, body: buffer, context: context)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let date = ISO8601Time.parse(try container.decode(String.self)) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO 8601 time")
        }
        let body: Body
        do {
            body = try decoder.decode(Body.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIError(.badRequest, field: error.fieldPath, message: "invalid detections: \(error.reason)")
        }
        let batches = try Self.validate(body)
        do {
            try Self.checkTimes(batches, now: dependencies.clock(), window: window)
        } catch {
            dependencies.metrics.makeCounter(name: ServerMetrics.pushedFramesRefused, labels: [("camera", id)])
                .increment(by: Int64(batches.count))
            throw error
        }
        // `validate` leaves at least one frame.
        let first = batches[0].time, last = batches[batches.count - 1].time
        let previous: Date?
        switch times.take(camera: id, first: first, last: last) {
        case .taken(let before):
            previous = before
        case .stale(let latest):
            dependencies.metrics.makeCounter(name: ServerMetrics.pushedFramesRefused, labels: [("camera", id)])
                .increment(by: Int64(batches.count))
            throw APIError(.unprocessableContent, field: "frames[0].time", message: """
                the frame's time is not after the camera's last frame (\(ISO8601Time.format(latest))): frames sent twice, \
                or out of order, are not counted
                """)
        }
        let queuing = dependencies.clock()
        do {
            try await dependencies.inbox.push(cameraID: id, batches: batches)
            dependencies.metrics.makeDurationHistogram(name: ServerMetrics.pushQueueSeconds, buckets: ServerMetrics.pushQueueBuckets)
                .record(.milliseconds(Int64(dependencies.clock().timeIntervalSince(queuing) * 1_000)))
        } catch {
            times.giveBack(camera: id, last: last, previous: previous)
            if case MessagingError.noReceiver = error {
                throw APIError(.conflict, field: "id", message: "camera \"\(id)\" is not counting pushed detections now")
            }
            // The broker cannot take them now (restarting, say): the camera sends them again.
            context.logger.warning("detections.queue_failed", metadata: ["camera.id": "\(id)", "error": "\(error)"])
            throw APIError(.serviceUnavailable, message: "the detections could not be queued now; send them again")
        }
        return try JSONResponse.make(Accepted(frames: batches.count), status: .accepted)
    }

    /// Checks `X-Footfall-Signature` when it is sent (always, with `requireSignature`): HMAC-SHA256
    /// of `"<t>.<body>"` keyed with the SHA-256 of the caller's token, its `t` inside the push window.
    private func checkSignature(_ request: Request, body: ByteBuffer, context: FootfallRequestContext) throws {
        guard let header = request.headers[Self.signatureField] else {
            if requireSignature {
                throw APIError(.unauthorized, field: FootfallSignature.header,
                               message: "sign the detections: \(FootfallSignature.header): t=<unix seconds>,v1=<hex HMAC-SHA256>")
            }
            return
        }
        guard let credential = try context.caller().credential else {
            throw APIError(.unauthorized, field: FootfallSignature.header, message: "a signature needs a token to be keyed with")
        }
        guard let (timestamp, signatures) = FootfallSignature.parse(header) else {
            throw APIError(.badRequest, field: FootfallSignature.header, message: "expected t=<unix seconds>,v1=<hex HMAC-SHA256>")
        }
        if let problem = window.problem(with: Date(timeIntervalSince1970: Double(timestamp)), now: dependencies.clock()) {
            throw APIError(.unauthorized, field: FootfallSignature.header, message: "the signature's time \(problem)")
        }
        guard FootfallSignature.matches(signatures, body: Array(buffer: body), timestamp: timestamp, secret: credential.tokenHash) else {
            throw APIError(.unauthorized, field: FootfallSignature.header,
                           message: "the signature does not match the body: key it with the SHA-256 of the token")
        }
    }

    static let signatureField = HTTPField.Name(FootfallSignature.header)!

    private struct Accepted: Encodable {
        var frames: Int
    }

    /// Refuses the whole request when a frame's time is outside `window` around `now`: nothing of
    /// it is counted, and the camera's counting is not moved.
    static func checkTimes(_ batches: [DetectionBatch], now: Date, window: PushWindow) throws {
        for (f, batch) in batches.enumerated() {
            if let problem = window.problem(with: batch.time, now: now) {
                throw APIError(.unprocessableContent, field: "frames[\(f)].time", message: "the frame's time \(problem)")
            }
        }
    }

    /// Frames in time order with sane boxes; the error names the first bad field.
    static func validate(_ body: Body) throws -> [DetectionBatch] {
        guard !body.frames.isEmpty, body.frames.count <= maximumFrames else {
            throw APIError(.badRequest, field: "frames", message: "send 1 to \(maximumFrames) frames")
        }
        var batches: [DetectionBatch] = []
        for (f, frame) in body.frames.enumerated() {
            if let previous = batches.last, frame.time <= previous.time {
                throw APIError(.badRequest, field: "frames[\(f)].time", message: "frames must be in time order, each after the one before")
            }
            guard frame.people.count <= maximumPeople else {
                throw APIError(.badRequest, field: "frames[\(f)].people", message: "at most \(maximumPeople) people a frame")
            }
            var detections: [Detection] = []
            for (p, person) in frame.people.enumerated() {
                let field = "frames[\(f)].people[\(p)]"
                for (name, value) in [("x", person.x), ("y", person.y)] where !value.isFinite {
                    throw APIError(.badRequest, field: "\(field).\(name)", message: "must be a finite number")
                }
                for (name, value) in [("width", person.width), ("height", person.height)]
                where !(value.isFinite && value > 0) {
                    throw APIError(.badRequest, field: "\(field).\(name)", message: "must be a positive number")
                }
                let confidence = person.confidence ?? 1
                guard (0...1).contains(confidence) else {
                    throw APIError(.badRequest, field: "\(field).confidence", message: "must be between 0 and 1")
                }
                detections.append(Detection(box: Box(x: person.x, y: person.y, width: person.width, height: person.height),
                                            confidence: confidence))
            }
            batches.append(DetectionBatch(time: frame.time, detections: detections))
        }
        return batches
    }
}
