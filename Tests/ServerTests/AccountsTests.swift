import FootfallTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import HummingbirdWebSocket
import Messaging
@testable import Server
import Storage
import Testing

/// Signing in and out, sessions that expire and are revoked, throttled sign-in, users and tokens.
struct AccountsTests {
    @Test func signInGivesATokenAndACookieThatWorkUntilSignOut() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            let signIn = try await call(client, .post, "/api/v1/sessions",
                                        body: #"{"username":"operator-user","password":"\#(ControlPlaneFixture.password)"}"#)
            #expect(signIn.status == .created)
            let token = try #require(signIn.json["token"] as? String)
            #expect(token.hasPrefix("ff_"))
            let user = try #require(signIn.json["user"] as? [String: Any])
            #expect(user["username"] as? String == "operator-user" && user["role"] as? String == "operator")
            #expect(signIn.json["expires"] as? String == "2027-01-15T09:00:00Z")
            let cookie = try #require(signIn.headers[.setCookie])
            #expect(cookie.contains("footfall_session=\(token)") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"))

            let me = try await call(client, .get, "/api/v1/sessions/current", token: token)
            #expect(me.status == .ok)
            #expect((me.json["user"] as? [String: Any])?["role"] as? String == "operator")
            let byCookie = try await call(client, .get, "/api/v1/sessions/current", headers: [.cookie: "footfall_session=\(token)"])
            #expect(byCookie.status == .ok)

            #expect(try await call(client, .delete, "/api/v1/sessions/current", token: token).status == .noContent)
            #expect(try await call(client, .get, "/api/v1/sessions/current", token: token).status == .unauthorized)
            let audit = try await fixture.store.auditEntries(AuditQuery(target: "user:operator-user"))
            #expect(audit.map(\.action) == ["session.delete", "session.create"])
        }
    }

    @Test func theSignInCheckAnswersEveryoneAndSaysWhetherTheyAreSignedIn() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            let anonymous = try await call(client, .get, "/api/v1/sessions/check")
            #expect(anonymous.status == .ok)
            #expect(anonymous.json["signedIn"] as? Bool == false && anonymous.json["firstRun"] as? Bool == false)
            let viewer = try await call(client, .get, "/api/v1/sessions/check", token: fixture.tokens[.viewer])
            #expect(viewer.json["signedIn"] as? Bool == true)
            let forged = try await call(client, .get, "/api/v1/sessions/check", token: "ff_not-a-real-token")
            #expect(forged.status == .ok && forged.json["signedIn"] as? Bool == false)
        }
    }

    @Test func onlyALoopbackNameIsThisMachineForTheFirstRun() {
        // A page whose name was rebound to 127.0.0.1 arrives from loopback under its own name.
        for name in ["127.0.0.1:8080", "localhost", "LOCALHOST:80", "[::1]:8080", nil] {
            #expect(AuthenticationMiddleware.isLoopbackName(name), "\(name ?? "no Host")")
        }
        for name in ["evil.example:8080", "10.0.0.5:8080", "127.0.0.1.evil.example", "[::2]:80"] {
            #expect(!AuthenticationMiddleware.isLoopbackName(name), "\(name)")
        }
    }

    @Test func wrongPasswordsAndUnknownUsersGetTheSameAnswer() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            let wrong = try await call(client, .post, "/api/v1/sessions", body: #"{"username":"admin-user","password":"nope nope nope"}"#)
            let unknown = try await call(client, .post, "/api/v1/sessions", body: #"{"username":"nobody","password":"nope nope nope"}"#)
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.json["error"] as? NSDictionary == unknown.json["error"] as? NSDictionary)
        }
    }

    @Test func sessionsExpire() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            let signIn = try await call(client, .post, "/api/v1/sessions",
                                        body: #"{"username":"viewer-user","password":"\#(ControlPlaneFixture.password)"}"#)
            let token = try #require(signIn.json["token"] as? String)
            fixture.wallClock.advance(by: 3_599)
            #expect(try await call(client, .get, "/api/v1/live", token: token).status == .ok)
            fixture.wallClock.advance(by: 2)
            #expect(try await call(client, .get, "/api/v1/live", token: token).status == .unauthorized)
        }
    }

    @Test func signInIsThrottledPerUserAndTheWindowPasses() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            var statuses: [Int] = []
            for _ in 0..<11 {
                statuses.append(try await call(client, .post, "/api/v1/sessions",
                                               body: #"{"username":"admin-user","password":"wrong password!"}"#).status.code)
            }
            #expect(statuses == Array(repeating: 401, count: 10) + [429])
            // Even the right password waits for the window.
            let locked = try await call(client, .post, "/api/v1/sessions",
                                        body: #"{"username":"admin-user","password":"\#(ControlPlaneFixture.password)"}"#)
            #expect(locked.status == .tooManyRequests)
            #expect(errorField(locked.json) == "username")
            fixture.throttleClock.advance(by: .seconds(15 * 60))
            let later = try await call(client, .post, "/api/v1/sessions",
                                       body: #"{"username":"admin-user","password":"\#(ControlPlaneFixture.password)"}"#)
            #expect(later.status == .created)
        }
    }

    @Test func revokingAUsersSessionsEndsThemAtOnce() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            let viewerToken = try #require(fixture.tokens[.viewer])
            #expect(try await call(client, .get, "/api/v1/live", token: viewerToken).status == .ok)
            let viewer = try #require(fixture.users[.viewer])
            let revoked = try await call(client, .delete, "/api/v1/users/\(viewer.id)/sessions", token: fixture.tokens[.admin])
            #expect(revoked.status == .ok)
            #expect(revoked.json["revoked"] as? Int == 1)
            // The token was cached by the first request; revocation must not wait for the cache.
            #expect(try await call(client, .get, "/api/v1/live", token: viewerToken).status == .unauthorized)
        }
    }

    @Test func anAdministratorsPasswordResetSignsTheUserOutButKeepsTheirAPITokens() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            let signIn = try await call(client, .post, "/api/v1/sessions",
                                        body: #"{"username":"operator-user","password":"\#(ControlPlaneFixture.password)"}"#)
            let session = try #require(signIn.json["token"] as? String)
            #expect(try await call(client, .get, "/api/v1/cameras", token: session).status == .ok)
            let operatorUser = try #require(fixture.users[.operator])
            let reset = try await call(client, .patch, "/api/v1/users/\(operatorUser.id)", token: fixture.tokens[.admin],
                                       body: #"{"password":"a brand new passphrase"}"#)
            #expect(reset.status == .ok, "\(reset.json)")
            #expect(try await call(client, .get, "/api/v1/cameras", token: session).status == .unauthorized)
            #expect(try await call(client, .get, "/api/v1/cameras", token: fixture.tokens[.operator]).status == .ok)
        }
    }

    @Test func aLiveStreamEndsOnceItsCallersSessionsAreRevoked() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.seedCamera()
        let viewer = try #require(fixture.users[.viewer])
        let crossing = LiveMessage.crossing(.init(cameraID: "door", line: "entrance", direction: .in, trackID: 1,
                                                  time: ControlPlaneFixture.start, totalIn: 1, totalOut: 0))
        try await fixture.app().test(.live) { client in
            var configuration = WebSocketClientConfiguration()
            configuration.additionalHeaders[.authorization] = "Bearer \(try #require(fixture.tokens[.viewer]))"
            try await client.ws("/api/v1/live/ws", configuration: configuration) { inbound, _, _ in
                var iterator = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                guard case .text(let hello) = try await iterator.next() else { throw CancellationError() }
                #expect(hello.contains(#""type":"hello""#))
                await fixture.bus.publish(crossing)
                guard case .text(let first) = try await iterator.next() else { throw CancellationError() }
                #expect(first.contains(#""type":"crossing""#))

                let revoked = try await call(client, .delete, "/api/v1/users/\(viewer.id)/sessions", token: fixture.tokens[.admin])
                #expect(revoked.status == .ok)
                fixture.wallClock.advance(by: 60)
                await fixture.bus.publish(crossing)
                #expect(try await iterator.next() == nil, "the stream ends instead of sending more")
            }
        }
    }

    @Test func adminsCreateUsersWhoseRoleLimitsThem() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.seedCamera()
        try await fixture.app().test(.router) { client in
            let created = try await call(client, .post, "/api/v1/users", token: fixture.tokens[.admin],
                                         body: #"{"username":"guard","password":"a long password","role":"viewer"}"#)
            #expect(created.status == .created)
            #expect(created.json["passwordHash"] == nil)
            let signIn = try await call(client, .post, "/api/v1/sessions", body: #"{"username":"guard","password":"a long password"}"#)
            let token = try #require(signIn.json["token"] as? String)
            #expect(try await call(client, .get, "/api/v1/cameras/door", token: token).status == .ok)
            let edit = try await call(client, .patch, "/api/v1/cameras/door", token: token, body: #"{"name":"x"}"#)
            #expect(edit.status == .forbidden)

            let short = try await call(client, .post, "/api/v1/users", token: fixture.tokens[.admin],
                                       body: #"{"username":"weak","password":"short","role":"viewer"}"#)
            #expect(short.status == .badRequest && errorField(short.json) == "password")
            let taken = try await call(client, .post, "/api/v1/users", token: fixture.tokens[.admin],
                                       body: #"{"username":"guard","password":"a long password","role":"admin"}"#)
            #expect(taken.status == .conflict && errorField(taken.json) == "username")
            let badRole = try await call(client, .post, "/api/v1/users", token: fixture.tokens[.admin],
                                         body: #"{"username":"boss","password":"a long password","role":"owner"}"#)
            #expect(badRole.status == .badRequest && errorField(badRole.json) == "role")
        }
    }

    @Test func theLastAdministratorCannotBeRemoved() async throws {
        let fixture = try await ControlPlaneFixture()
        let admin = try #require(fixture.users[.admin])
        try await fixture.app().test(.router) { client in
            let demote = try await call(client, .patch, "/api/v1/users/\(admin.id)", token: fixture.tokens[.admin], body: #"{"role":"viewer"}"#)
            #expect(demote.status == .conflict)
            #expect(try await call(client, .delete, "/api/v1/users/\(admin.id)", token: fixture.tokens[.admin]).status == .conflict)
            #expect(try await fixture.store.user(id: admin.id)?.role == .admin)
        }
    }

    @Test func apiTokensAreShownOnceAndWorkUntilDeleted() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            let made = try await call(client, .post, "/api/v1/tokens", token: fixture.tokens[.operator],
                                      body: #"{"name":"door-camera","expiresInDays":30}"#)
            #expect(made.status == .created)
            let secret = try #require(made.json["token"] as? String)
            let id = try #require(made.json["id"] as? String)
            #expect(made.json["expires"] as? String == "2027-02-14T08:00:00Z")
            let list = try await call(client, .get, "/api/v1/tokens", token: secret)
            let tokens = try #require(list.json["tokens"] as? [[String: Any]])
            #expect(tokens.contains { $0["name"] as? String == "door-camera" })
            #expect(!String(describing: list.json).contains(secret), "a listed token never shows its secret")
            #expect(try await call(client, .delete, "/api/v1/tokens/\(id)", token: fixture.tokens[.operator]).status == .noContent)
            #expect(try await call(client, .get, "/api/v1/tokens", token: secret).status == .unauthorized)
            let bad = try await call(client, .post, "/api/v1/tokens", token: fixture.tokens[.operator],
                                     body: #"{"name":"x","expiresInDays":0}"#)
            #expect(bad.status == .badRequest && errorField(bad.json) == "expiresInDays")
        }
    }

    @Test func changingMyPasswordEndsMyOtherSessions() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            let signIn = { try await call(client, .post, "/api/v1/sessions",
                                          body: #"{"username":"viewer-user","password":"\#(ControlPlaneFixture.password)"}"#) }
            let first = try #require(try await signIn().json["token"] as? String)
            let second = try #require(try await signIn().json["token"] as? String)
            let wrong = try await call(client, .put, "/api/v1/sessions/current/password", token: first,
                                       body: #"{"current":"not it at all","new":"brand new password"}"#)
            #expect(wrong.status == .forbidden && errorField(wrong.json) == "current")
            let changed = try await call(client, .put, "/api/v1/sessions/current/password", token: first,
                                         body: #"{"current":"\#(ControlPlaneFixture.password)","new":"brand new password"}"#)
            #expect(changed.status == .noContent)
            #expect(try await call(client, .get, "/api/v1/live", token: first).status == .ok)
            #expect(try await call(client, .get, "/api/v1/live", token: second).status == .unauthorized)
            let again = try await call(client, .post, "/api/v1/sessions", body: #"{"username":"viewer-user","password":"brand new password"}"#)
            #expect(again.status == .created)
        }
    }
}
