import CountingCore
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
        var iterator = doorFrames.makeAsyncIterator()
        #expect(await iterator.next()?.detections.count == 1, "the one accepted push reached the door's pipeline")
    }
}
