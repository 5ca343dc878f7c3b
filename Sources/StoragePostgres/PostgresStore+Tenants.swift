import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    public var tenantID: UUID { configuration.tenantID }

    /// Every tenant, through `footfall_tenants` (row-level security shows a store only its own).
    public func tenants() async throws -> [Tenant] {
        try await transaction("list tenants") { [self] connection in
            try await connection.query("SELECT id, name FROM footfall_tenants() ORDER BY name COLLATE \"C\", id", logger: logger)
                .collect().map {
                    let row = try $0.decode((UUID, String).self)
                    return Tenant(id: row.0, name: row.1)
                }
        }
    }

    /// Adds or renames a tenant, through `footfall_save_tenant` (the application role may not
    /// write the tenants table).
    public func saveTenant(_ tenant: Tenant) async throws {
        try tenant.validate()
        try await transaction("save tenant") { [self] connection in
            _ = try await connection.query("SELECT footfall_save_tenant(\(tenant.id), \(tenant.name))", logger: logger).collect()
        }
    }

    /// A store on the same connection pools for `tenantID`'s rows: every transaction it runs
    /// names that tenant. Only this store is run as a service.
    public func scoped(to tenantID: UUID) -> any FootfallStore {
        PostgresStore(sharing: self, tenantID: tenantID)
    }
}
