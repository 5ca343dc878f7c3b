import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Storage
import Testing

/// A person's data on request: exported whole, then erased with only a pseudonym left.
struct UserControllerPrivacyTests {
    @Test func aUsersDataIsExportedThenErasedLeavingAPseudonym() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            let created = try await call(client, .post, "/api/v1/users", token: fixture.tokens[.admin],
                                         body: #"{"username":"carol@example.com","password":"a long password","role":"operator"}"#)
            let id = try #require(created.json["id"] as? String)
            let signIn = try await call(client, .post, "/api/v1/sessions", body: #"{"username":"carol@example.com","password":"a long password"}"#)
            let session = try #require(signIn.json["token"] as? String)
            let token = try await call(client, .post, "/api/v1/tokens", token: session, body: #"{"name":"laptop"}"#)
            #expect(token.status == .created)

            // Export: the account, one session, the token (no secret), what was done by and to them.
            let export = try await call(client, .get, "/api/v1/users/\(id)/export", token: fixture.tokens[.admin])
            #expect(export.status == .ok)
            #expect((export.json["user"] as? [String: Any])?["username"] as? String == "carol@example.com")
            #expect(export.json["sessions"] as? Int == 1)
            let tokens = try #require(export.json["tokens"] as? [[String: Any]])
            #expect(tokens.count == 1 && tokens[0]["name"] as? String == "laptop" && tokens[0]["secret"] == nil)
            let actions = (export.json["audit"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.contains("user.create") && actions.contains("token.create"))

            // Erase: signed out everywhere, and no trace of the name in the audit trail. (Free text
            // they typed, such as a token's name, stays as it was: docs/operations.md.)
            let erased = try await call(client, .post, "/api/v1/users/\(id)/erase", token: fixture.tokens[.admin])
            #expect(erased.status == .ok)
            let pseudonym = try #require(erased.json["pseudonym"] as? String)
            #expect(pseudonym.hasPrefix("erased-") && erased.json["revoked"] as? Int == 2)
            #expect(try await call(client, .get, "/api/v1/sessions/check", token: session).json["signedIn"] as? Bool == false)
            #expect(try await call(client, .get, "/api/v1/users/\(id)/export", token: fixture.tokens[.admin]).status == .notFound)
            let audit = try await call(client, .get, "/api/v1/audit?limit=1000", token: fixture.tokens[.admin])
            let entries = try #require(audit.json["entries"] as? [[String: Any]])
            #expect(!entries.contains { "\($0)".contains("carol") }, "\(entries.filter { "\($0)".contains("carol") })")
            #expect(entries.contains { $0["action"] as? String == "user.erase" && $0["target"] as? String == "user:\(pseudonym)" })
            #expect(entries.contains { $0["action"] as? String == "token.create" && $0["user"] as? String == pseudonym })

            // Only administrators may do either, and the last one cannot be erased.
            let admin = try #require(fixture.users[.admin])
            #expect(try await call(client, .post, "/api/v1/users/\(admin.id)/erase", token: fixture.tokens[.admin]).status == .conflict)
            let viewer = try #require(fixture.users[.viewer])
            #expect(try await call(client, .get, "/api/v1/users/\(viewer.id)/export", token: fixture.tokens[.viewer]).status == .forbidden)
        }
    }
}
