import Foundation
import Storage

/// Who is making a request, as the authentication middleware found out.
public struct Identity: Sendable {
    public var user: User
    /// The session or API token presented; nil for the first-run local setup.
    public var credential: Credential?

    public init(user: User, credential: Credential?) {
        self.user = user
        self.credential = credential
    }

    /// A new installation has no users: until the first one is made, requests from this machine
    /// act as this administrator of the default tenant (everything else is refused).
    public static let localSetup = Identity(
        user: User(id: UUID(uuidString: "00000000-0000-4000-8000-000000000000")!, tenantID: Tenant.defaultID,
                   username: "local-setup", passwordHash: "-", role: .admin, created: Date(timeIntervalSince1970: 0)),
        credential: nil)
}
