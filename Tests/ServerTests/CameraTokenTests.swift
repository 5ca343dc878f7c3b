import CountingCore
import FootfallSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Server
import Storage
import Testing

/// A smart camera's token: made by an operator for one camera, it pushes that camera's
/// detections and can do nothing else.
struct CameraTokenTests {
    static func frames(at time: Date) -> String {
        let stamp = ISO8601DateFormatter().string(from: time)
        return #"{"frames":[{"time":"\#(stamp)","people":[{"x":10,"y":20,"width":40,"height":90}]}]}"#
    }

    @Test func aCamerasTokenPushesOnlyItsCamerasDetections() async throws {
        let fixture = try await ControlPlaneFixture()
        for id in ["door", "gate"] {
            try await fixture.store.saveCamera(Camera(id: id, name: id, source: "external", geometry: Geometry()))
        }
        let doorFrames = fixture.inbox.receive(cameraID: "door")
        _ = fixture.inbox.receive(cameraID: "gate")
        try await fixture.app().test(.router) { client in
            // Viewers cannot make one; operators can, for a camera they may see.
            let refused = try await call(client, .post, "/api/v1/tokens", token: fixture.tokens[.viewer],
                                         body: #"{"name":"door camera","camera":"door"}"#)
            #expect(refused.status == .forbidden)
            #expect(try await call(client, .post, "/api/v1/tokens", token: fixture.tokens[.operator],
                                   body: #"{"name":"x","camera":"nope"}"#).status == .notFound)
            let made = try await call(client, .post, "/api/v1/tokens", token: fixture.tokens[.operator],
                                      body: #"{"name":"door camera","camera":"door"}"#)
            #expect(made.status == .created)
            #expect(made.json["camera"] as? String == "door")
            let secret = try #require(made.json["token"] as? String)

            let json: HTTPFields = [.contentType: "application/json"]
            let pushed = try await call(client, .post, "/api/v1/cameras/door/detections", token: secret,
                                        body: Self.frames(at: ControlPlaneFixture.start))
            #expect(pushed.status == .accepted)
            for (method, path, body) in [
                (HTTPRequest.Method.post, "/api/v1/cameras/gate/detections", Self.frames(at: ControlPlaneFixture.start)),
                (.get, "/api/v1/cameras", nil), (.get, "/api/v1/live", nil), (.get, "/api/v1/tokens", nil),
                (.put, "/api/v1/cameras/door/geometry", #"{"lines":[],"zones":[]}"#), (.delete, "/api/v1/cameras/door", nil),
                (.post, "/api/v1/tokens", #"{"name":"more"}"#), (.get, "/metrics", nil),
            ] as [(HTTPRequest.Method, String, String?)] {
                let answer = try await call(client, method, path, token: secret, body: body, headers: body == nil ? [:] : json)
                #expect(answer.status == .forbidden, "\(method) \(path)")
            }
            // Listed with its owner's tokens, with its camera, and revoked there.
            let listed = try await call(client, .get, "/api/v1/tokens", token: fixture.tokens[.operator])
            let item = try #require((listed.json["tokens"] as? [[String: Any]])?.first { $0["name"] as? String == "door camera" })
            #expect(item["camera"] as? String == "door")
            let id = try #require(item["id"] as? String)
            #expect(try await call(client, .delete, "/api/v1/tokens/\(id)", token: fixture.tokens[.operator]).status == .noContent)
            #expect(try await call(client, .post, "/api/v1/cameras/door/detections", token: secret,
                                   body: Self.frames(at: ControlPlaneFixture.start)).status == .unauthorized)
        }
        var iterator = doorFrames.batches.makeAsyncIterator()
        #expect(try await iterator.next()?.batch.detections.count == 1, "the one accepted push reached the door's pipeline")
    }
}

/// Signed pushes: HMAC-SHA256 of `"<t>.<body>"` keyed with the SHA-256 of the camera's token.
struct SignedPushTests {
    @Test func aSignatureIsCheckedWhenSentAndRequiredWhenConfigured() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.store.saveCamera(Camera(id: "door", name: "door", source: "external", geometry: Geometry()))
        let frames = fixture.inbox.receive(cameraID: "door")
        var configuration = ControlPlaneFixture.configuration
        configuration.requirePushSignature = true
        let app = buildApplication(configuration: configuration, dependencies: fixture.dependencies, logger: .init(label: "test"))
        try await app.test(.router) { client in
            let made = try await call(client, .post, "/api/v1/tokens", token: fixture.tokens[.operator],
                                      body: #"{"name":"door camera","camera":"door"}"#)
            let secret = try #require(made.json["token"] as? String)
            let key = Authenticator.hash(secret)
            let now = Int(ControlPlaneFixture.start.timeIntervalSince1970)
            func push(at seconds: Double, signature: ((String) -> String)?) async throws -> (status: HTTPResponse.Status, field: String?) {
                let body = CameraTokenTests.frames(at: ControlPlaneFixture.start.addingTimeInterval(seconds))
                var headers: HTTPFields = [:]
                if let signature { headers[HTTPField.Name(FootfallSignature.header)!] = signature(body) }
                let answer = try await call(client, .post, "/api/v1/cameras/door/detections", token: secret, body: body, headers: headers)
                return (answer.status, (answer.json["error"] as? [String: Any])?["field"] as? String)
            }
            let signed = { (body: String) in FootfallSignature.header(body: Array(body.utf8), timestamp: now, secret: key) }
            #expect(try await push(at: -3, signature: signed).status == .accepted)
            let unsigned = try await push(at: -2, signature: nil)
            #expect(unsigned.status == .unauthorized && unsigned.field == FootfallSignature.header, "required")
            // Signed for another body, with the token itself as key, or too long ago: refused.
            #expect(try await push(at: -2, signature: { _ in signed("{}") }).status == .unauthorized)
            #expect(try await push(at: -2, signature: { body in
                FootfallSignature.header(body: Array(body.utf8), timestamp: now, secret: Array(secret.utf8))
            }).status == .unauthorized)
            #expect(try await push(at: -2, signature: { body in
                FootfallSignature.header(body: Array(body.utf8), timestamp: now - 600, secret: key)
            }).status == .unauthorized)
            #expect(try await push(at: -2, signature: { _ in "v1=abc" }).status == .badRequest)
            #expect(try await push(at: -1, signature: signed).status == .accepted)
        }
        var iterator = frames.batches.makeAsyncIterator()
        #expect(try await iterator.next() != nil)
        #expect(try await iterator.next() != nil, "the two signed pushes, and only they, were taken")
    }
}
