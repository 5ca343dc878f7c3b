import Foundation
import Storage

extension SQLiteStore {
    public func tenants() async throws -> [Tenant] {
        try await database.read { connection in
            try connection.query("SELECT id, name FROM tenants ORDER BY name, id").compactMap { row in
                Self.uuid(row[0]).map { Tenant(id: $0, name: row[1].string ?? "") }
            }
        }
    }

    public func saveTenant(_ tenant: Tenant) async throws {
        try tenant.validate()
        try await database.write { connection in
            try connection.query("INSERT INTO tenants (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                                 [.text(tenant.id.uuidString), .text(tenant.name)])
        }
    }

    /// The same file, reading and writing `tenantID`'s rows only.
    public func scoped(to tenantID: UUID) -> any FootfallStore {
        SQLiteStore(database: database, path: path, tenantID: tenantID)
    }

    /// Rows are only added to a tenant that exists.
    static func requireTenant(_ tenantID: UUID, _ connection: SQLiteConnection) throws {
        if try connection.query("SELECT 1 FROM tenants WHERE id = ?", [.text(tenantID.uuidString)]).isEmpty {
            throw StorageError.invalidInput(field: "tenant", reason: "no tenant with id \(tenantID.uuidString.lowercased())")
        }
    }
}
