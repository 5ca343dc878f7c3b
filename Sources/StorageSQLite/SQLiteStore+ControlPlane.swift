import CountingCore
import Foundation
import Storage

// Placeholder conformance while the control-plane tables are written for this backend:
// every call fails clearly instead of pretending.
extension SQLiteStore {
    private func unavailable(_ operation: String) -> StorageError {
        .backend(operation: operation, reason: "not available on this backend yet")
    }

    public func createCamera(_ camera: Camera, audit: AuditEntry) async throws { throw unavailable("create a camera") }
    public func updateCamera(_ camera: Camera, audit: AuditEntry) async throws { throw unavailable("update a camera") }
    public func deleteCamera(id: String, audit: AuditEntry) async throws { throw unavailable("delete a camera") }
    public func setGeometry(cameraID: String, geometry: Geometry, audit: AuditEntry) async throws -> GeometryVersion {
        throw unavailable("set a geometry")
    }
    public func geometryVersions(cameraID: String) async throws -> [GeometryVersion] { throw unavailable("list geometry versions") }
    public func sites() async throws -> [Site] { throw unavailable("list sites") }
    public func site(id: String) async throws -> Site? { throw unavailable("read a site") }
    public func saveSite(_ site: Site, audit: AuditEntry) async throws { throw unavailable("save a site") }
    public func deleteSite(id: String, audit: AuditEntry) async throws { throw unavailable("delete a site") }
    public func users() async throws -> [User] { throw unavailable("list users") }
    public func user(id: UUID) async throws -> User? { throw unavailable("read a user") }
    public func createUser(_ user: User, audit: AuditEntry) async throws { throw unavailable("create a user") }
    public func updateUser(_ user: User, audit: AuditEntry) async throws { throw unavailable("update a user") }
    public func deleteUser(id: UUID, audit: AuditEntry) async throws { throw unavailable("delete a user") }
    public func createCredential(_ credential: Credential, audit: AuditEntry?) async throws { throw unavailable("create a credential") }
    public func credentials(userID: UUID) async throws -> [Credential] { throw unavailable("list credentials") }
    public func deleteCredential(id: UUID, userID: UUID, audit: AuditEntry?) async throws { throw unavailable("delete a credential") }
    public func deleteCredentials(userID: UUID, kind: Credential.Kind?, audit: AuditEntry?) async throws -> [[UInt8]] {
        throw unavailable("delete credentials")
    }
    public func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] { throw unavailable("read the audit trail") }
    public func user(username: String) async throws -> User? { throw unavailable("find a user") }
    public func authenticate(tokenHash: [UInt8], at now: Date) async throws -> (credential: Credential, user: User)? {
        throw unavailable("authenticate")
    }
    public func hasUsers() async throws -> Bool { throw unavailable("count users") }
    public func deleteExpiredCredentials(before date: Date) async throws -> Int { throw unavailable("delete expired credentials") }
    public nonisolated var tenantID: UUID { Tenant.defaultID }
    public func tenants() async throws -> [Tenant] { throw unavailable("list tenants") }
    public func saveTenant(_ tenant: Tenant) async throws { throw unavailable("save a tenant") }
    public nonisolated func scoped(to tenantID: UUID) -> any FootfallStore { self }
}
