import Foundation

extension InMemoryStore {
    public func addFile(_ file: StoredFile, audit: AuditEntry?) throws -> Bool {
        try file.validate()
        // Keys are unique across tenants, as in the databases: checked and added under one lock.
        let tenantID = tenantID
        return try shared.data.withLock { (data: inout Data) throws(StorageError) -> Bool in
            if data.tenants[tenantID] == nil {
                throw StorageError.invalidInput(field: "tenant", reason: "no tenant with id \(tenantID.uuidString.lowercased())")
            }
            if data.spaces.values.contains(where: { space in space.files.values.contains { $0.key == file.key } }) { return false }
            if data.spaces.values.contains(where: { $0.files[file.id] != nil }) {
                throw StorageError.conflict(field: "file.id", reason: "the id is taken")
            }
            if let site = file.siteID, data.spaces[tenantID]?.sites[site] == nil {
                throw StorageError.invalidInput(field: "file.site", reason: "no site with id \"\(site)\"")
            }
            data.spaces[tenantID, default: TenantData()].files[file.id] = file
            if let audit { data.spaces[tenantID, default: TenantData()].audit.append(audit) }
            return true
        }
    }

    public func files(kind: StoredFile.Kind, siteIDs: Set<String>?, keyPrefix: String?, limit: Int) -> [StoredFile] {
        read { space in
            Array(space.files.values
                .filter { file in file.kind == kind && (siteIDs.map { ids in file.siteID.map(ids.contains) ?? false } ?? true)
                    && (keyPrefix.map(file.key.hasPrefix) ?? true) }
                .sorted { ($0.created, $0.id.uuidString) > ($1.created, $1.id.uuidString) }
                .prefix(max(0, limit)))
        }
    }

    public func file(id: UUID) -> StoredFile? {
        read { $0.files[id] }
    }

    public func removeExpiredFiles(before date: Date, limit: Int) throws -> [StoredFile] {
        try transaction { (space: inout TenantData) throws(StorageError) -> [StoredFile] in
            let expired = Array(space.files.values.filter { ($0.expires.map { $0 < date }) ?? false }
                .sorted { ($0.expires!, $0.id.uuidString) < ($1.expires!, $1.id.uuidString) }.prefix(max(0, limit)))
            for file in expired { space.files[file.id] = nil }
            return expired
        }
    }
}
