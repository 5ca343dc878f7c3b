import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// `/api/v1/sessions…`: signing in and out, who I am, changing my password.
struct SessionController {
    let dependencies: ServerDependencies
    let authenticator: Authenticator
    /// Whether the session cookie is marked Secure (the server is reached over HTTPS).
    let secureCookies: Bool

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .post, "sessions", .open, use: signIn)
        table.add(group, .get, "sessions/check", .open, use: check)
        table.add(group, .get, "sessions/current", .role(.viewer), use: current)
        table.add(group, .delete, "sessions/current", .role(.viewer), use: signOut)
        table.add(group, .put, "sessions/current/password", .role(.viewer), use: changePassword)
    }

    @Sendable func signIn(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let (body, _) = try await RequestBody.decode(APIModels.SignIn.self, from: request, shape: APIModels.SignIn.shape,
                                                     limit: 16 << 10)
        let session = try await authenticator.signIn(username: body.username, password: body.password,
                                                     address: context.clientAddress)
        var response = try JSONResponse.make(APIModels.SessionCreated(
            token: session.secret, expires: session.credential.expires,
            user: .init(id: session.user.id, username: session.user.username, role: session.user.role)), status: .created)
        let maxAge = Int(authenticator.settings.sessionLifetime.inSeconds)
        response.setCookie(Cookie(name: AuthenticationMiddleware.cookieName, value: session.secret, maxAge: maxAge, path: "/",
                                  secure: secure(request), httpOnly: true, sameSite: .strict))
        return response
    }

    /// Whether the request carries a valid credential, always with 200: the dashboard asks this
    /// first, so that a signed-out browser is shown the sign-in page without a refused request.
    @Sendable func check(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        try JSONResponse.make(APIModels.SessionCheck(signedIn: context.identity != nil,
                                                     firstRun: await authenticator.isFirstRun()))
    }

    @Sendable func current(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let caller = try context.caller()
        return try JSONResponse.make(APIModels.CurrentSession(
            user: .init(caller.user), kind: caller.credential?.kind.rawValue ?? "local-setup", expires: caller.credential?.expires))
    }

    /// Revokes the credential the request carries and clears the cookie.
    @Sendable func signOut(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let caller = try context.caller()
        if let credential = caller.credential {
            let audit = try Auditor(context, time: dependencies.clock())
            try await dependencies.store.scoped(to: caller.user.tenantID).deleteCredential(
                id: credential.id, userID: caller.user.id, audit: audit.entry("session.delete", "user:\(caller.user.username)"))
            await authenticator.forget([credential.tokenHash])
        }
        var response = Response(status: .noContent)
        response.setCookie(Cookie(name: AuthenticationMiddleware.cookieName, value: "", maxAge: 0, path: "/",
                                  secure: secure(request), httpOnly: true, sameSite: .strict))
        return response
    }

    /// Changes the caller's password; every other session and token of theirs stops working.
    @Sendable func changePassword(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let caller = try context.caller()
        guard caller.credential != nil else {
            throw APIError(.conflict, message: "the local setup has no password; create a user first")
        }
        let (body, _) = try await RequestBody.decode(APIModels.PasswordChange.self, from: request,
                                                     shape: APIModels.PasswordChange.shape, limit: 16 << 10)
        // The stored user, not the cached one: caches keep no password hashes.
        let store = dependencies.store.scoped(to: caller.user.tenantID)
        guard var user = try await store.user(id: caller.user.id) else { throw APIError(.unauthorized, message: "sign in again") }
        guard try await authenticator.verify(body.current, hash: user.passwordHash) else {
            throw APIError(.forbidden, field: "current", message: "the current password is wrong")
        }
        try PasswordPolicy.check(body.new, field: "new")
        user.passwordHash = try await authenticator.hashPassword(body.new)
        let audit = try Auditor(context, time: dependencies.clock())
        try await store.updateUser(user, audit: audit.entry("user.password", "user:\(user.username)",
                                                           after: APIModels.UserAudit(user, passwordChanged: true)))
        // Every other session and token stops working; the one that made the change stays.
        var revoked: [[UInt8]] = []
        for credential in try await store.credentials(userID: user.id) where credential.id != caller.credential?.id {
            try await store.deleteCredentialIfPresent(id: credential.id, userID: user.id)
            revoked.append(credential.tokenHash)
        }
        await authenticator.forget(revoked)
        return Response(status: .noContent)
    }

    private func secure(_ request: Request) -> Bool {
        secureCookies || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }
}
