import Foundation
import Hummingbird
import Storage

/// `/api/v1/users…` and `/api/v1/tokens…`: users and their roles (administrators), and API
/// tokens for machines (each user their own; administrators for anyone).
struct UserController {
    let dependencies: ServerDependencies
    let authenticator: Authenticator

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .get, "users", .role(.admin), use: list)
        table.add(group, .post, "users", .role(.admin), use: create)
        table.add(group, .get, "users/:id", .role(.admin), use: show)
        table.add(group, .patch, "users/:id", .role(.admin), use: update)
        table.add(group, .delete, "users/:id", .role(.admin), use: delete)
        table.add(group, .delete, "users/:id/sessions", .role(.admin), use: revokeAll)
        table.add(group, .post, "users/:id/tokens", .role(.admin), use: createTokenForUser)
        table.add(group, .get, "users/:id/export", .role(.admin), use: export)
        table.add(group, .post, "users/:id/erase", .role(.admin), use: erase)
        table.add(group, .get, "tokens", .role(.viewer), use: listTokens)
        table.add(group, .post, "tokens", .role(.viewer), use: createToken)
        table.add(group, .delete, "tokens/:id", .role(.viewer), use: deleteToken)
    }

    func store(_ context: FootfallRequestContext) throws -> any FootfallStore {
        dependencies.store.scoped(to: try context.caller().user.tenantID)
    }

    func user(_ context: FootfallRequestContext) async throws -> User {
        let text = try context.parameters.decoded("id")
        guard let id = UUID(uuidString: text), let user = try await store(context).user(id: id) else {
            throw APIError(.notFound, field: "id", message: "no user with id \"\(text.prefix(64))\"")
        }
        return user
    }

    @Sendable func list(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        try JSONResponse.make(APIModels.UserList(users: try await store(context).users().map(APIModels.UserItem.init)))
    }

    @Sendable func show(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        try JSONResponse.make(APIModels.UserItem(try await user(context)))
    }

    @Sendable func create(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let (body, _) = try await RequestBody.decode(APIModels.UserCreate.self, from: request, shape: APIModels.UserCreate.shape,
                                                     limit: 16 << 10)
        try PasswordPolicy.check(body.password)
        let caller = try context.caller()
        let store = try store(context)
        try await checkSites(body.sites ?? [], store: store)
        let user = User(tenantID: caller.user.tenantID, username: body.username, passwordHash: try await authenticator.hashPassword(body.password),
                        role: body.role, sites: body.sites ?? [], created: dependencies.clock())
        let audit = try Auditor(context, time: dependencies.clock())
        try await store.createUser(user, audit: audit.entry("user.create", "user:\(user.username)", after: APIModels.UserAudit(user)))
        return try JSONResponse.make(APIModels.UserItem(user), status: .created)
    }

    @Sendable func update(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let before = try await user(context)
        let (patch, _) = try await RequestBody.decode(APIModels.UserPatch.self, from: request, shape: APIModels.UserPatch.shape,
                                                      limit: 16 << 10)
        let store = try store(context)
        var user = before
        if let password = patch.password {
            try PasswordPolicy.check(password)
            user.passwordHash = try await authenticator.hashPassword(password)
        }
        if let role = patch.role { user.role = role }
        if let sites = patch.sites {
            try await checkSites(sites, store: store)
            user.sites = sites
        }
        if before.role == .admin && user.role != .admin { try await keepAnAdministrator(store, removing: before.id) }
        let audit = try Auditor(context, time: dependencies.clock())
        try await store.updateUser(user, audit: audit.entry(
            "user.update", "user:\(user.username)", before: APIModels.UserAudit(before),
            after: APIModels.UserAudit(user, passwordChanged: patch.password == nil ? nil : true)))
        // A password set by an administrator signs the user out everywhere (API tokens, made for
        // machines, stay until revoked); a changed role or sites take effect now, not when cached
        // credentials expire.
        let credentials = try await store.credentials(userID: user.id)
        if patch.password != nil {
            for session in credentials where session.kind == .session {
                try await store.deleteCredentialIfPresent(id: session.id, userID: user.id)
            }
        }
        if patch.password != nil || patch.role != nil || patch.sites != nil {
            await authenticator.forget(credentials.map(\.tokenHash))
        }
        return try JSONResponse.make(APIModels.UserItem(user))
    }

    @Sendable func delete(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let user = try await user(context)
        let store = try store(context)
        if user.role == .admin { try await keepAnAdministrator(store, removing: user.id) }
        let hashes = try await store.credentials(userID: user.id).map(\.tokenHash)
        let audit = try Auditor(context, time: dependencies.clock())
        try await store.deleteUser(id: user.id, audit: audit.entry("user.delete", "user:\(user.username)",
                                                                   before: APIModels.UserAudit(user)))
        await authenticator.forget(hashes)
        return Response(status: .noContent)
    }

    /// Signs a user out everywhere: every session and token stops working.
    @Sendable func revokeAll(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let user = try await user(context)
        let audit = try Auditor(context, time: dependencies.clock())
        let revoked = try await store(context).deleteCredentials(
            userID: user.id, kind: nil, audit: audit.entry("sessions.revoke", "user:\(user.username)"))
        await authenticator.forget(revoked)
        return try JSONResponse.make(APIModels.Revoked(revoked: revoked.count))
    }

    @Sendable func listTokens(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let caller = try context.caller()
        let tokens = try await store(context).credentials(userID: caller.user.id).filter { $0.kind == .apiToken }
        return try JSONResponse.make(APIModels.TokenList(tokens: tokens.map(APIModels.TokenItem.init)))
    }

    @Sendable func createToken(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let caller = try context.caller()
        guard caller.credential != nil else {
            throw APIError(.conflict, message: "the local setup cannot own tokens; create a user first")
        }
        return try await makeToken(for: caller.user, request: request, context: context)
    }

    @Sendable func createTokenForUser(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        try await makeToken(for: try await user(context), request: request, context: context)
    }

    @Sendable func deleteToken(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let caller = try context.caller()
        let text = try context.parameters.decoded("id")
        let store = try store(context)
        guard let id = UUID(uuidString: text),
              let token = try await store.credentials(userID: caller.user.id).first(where: { $0.id == id && $0.kind == .apiToken })
        else {
            throw APIError(.notFound, field: "id", message: "you have no token with id \"\(text.prefix(64))\"")
        }
        let audit = try Auditor(context, time: dependencies.clock())
        try await store.deleteCredential(id: id, userID: caller.user.id,
                                         audit: audit.entry("token.delete", "token:\(token.name ?? id.uuidString)"))
        await authenticator.forget([token.tokenHash])
        return Response(status: .noContent)
    }

    private func makeToken(for user: User, request: Request, context: FootfallRequestContext) async throws -> Response {
        let (body, _) = try await RequestBody.decode(APIModels.TokenCreate.self, from: request, shape: APIModels.TokenCreate.shape,
                                                     limit: 16 << 10)
        if let days = body.expiresInDays, !(1...3_650).contains(days) {
            throw APIError(.badRequest, field: "expiresInDays", message: "from 1 to 3650 days, or leave it out for no expiry")
        }
        var camera: String?
        if let requested = body.camera {
            // A camera's token pushes its detections, which only an operator may do.
            let caller = try context.caller()
            guard caller.user.role >= .operator, user.role >= .operator else {
                throw APIError(.forbidden, field: "camera", message: "a camera's token is made by, and for, an operator or administrator")
            }
            camera = try await TenantView(dependencies, context).camera(requested).id
        }
        let now = dependencies.clock()
        let token = Authenticator.newToken()
        let credential = Credential(tenantID: user.tenantID, userID: user.id, kind: .apiToken, name: body.name,
                                    tokenHash: token.hash, created: now,
                                    expires: body.expiresInDays.map { now.addingTimeInterval(Double($0) * 86_400) }, cameraID: camera)
        let audit = try Auditor(context, time: now)
        try await store(context).createCredential(credential, audit: audit.entry("token.create", "user:\(user.username)",
                                                                                 after: APIModels.TokenItem(credential)))
        return try JSONResponse.make(APIModels.TokenCreated(id: credential.id, name: credential.name, token: token.secret,
                                                            expires: credential.expires, camera: camera), status: .created)
    }

    private func checkSites(_ sites: [String], store: any FootfallStore) async throws {
        for (index, site) in sites.enumerated() where try await store.site(id: site) == nil {
            throw APIError(.badRequest, field: "sites[\(index)]", message: "no site with id \"\(site.prefix(64))\"")
        }
    }

    /// Refuses to leave the tenant without an administrator.
    func keepAnAdministrator(_ store: any FootfallStore, removing id: UUID) async throws {
        let others = try await store.users().filter { $0.role == .admin && $0.id != id }
        if others.isEmpty {
            throw APIError(.conflict, field: "role", message: "this is the last administrator; make another one first")
        }
    }
}
