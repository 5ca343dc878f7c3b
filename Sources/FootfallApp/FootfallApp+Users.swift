import Foundation
import Logging
import Messaging
import Server
import Storage

extension FootfallApp {
    /// Creates the first administrator, `admin`, when the installation has no user at all;
    /// does nothing otherwise (the password is only for the first start).
    static func createFirstAdministrator(password: String, store: any FootfallStore, settings: Authenticator.Settings,
                                         logger: Logger) async throws {
        guard try await !store.hasUsers() else { return }
        try await addUser(username: "admin", password: password, role: .admin, store: store, settings: settings)
        logger.notice("users.first_administrator_created", metadata: ["user.username": "admin"])
    }

    /// Adds a user to the default tenant (from the command line: audited as `system`).
    public static func addUser(username: String, password: String, role: Role, store: any FootfallStore,
                               settings: Authenticator.Settings = .init()) async throws {
        if let problem = PasswordPolicy.problem(with: password) {
            throw ConfigurationError.invalidValue(key: "password", source: "the command", reason: problem)
        }
        let authenticator = Authenticator(store: store, cache: InMemorySessionCache(), limiter: InMemoryRateLimiter(),
                                          settings: settings)
        let user = User(tenantID: Tenant.defaultID, username: username, passwordHash: try await authenticator.hashPassword(password),
                        role: role, created: Date())
        try user.validate()
        let audit = AuditEntry(time: Date(), username: "system", action: "user.create", target: "user:\(username)",
                               after: #"{"role":"\#(role.rawValue)","sites":[],"username":"\#(username)"}"#)
        try await store.scoped(to: Tenant.defaultID).createUser(user, audit: audit)
    }
}
