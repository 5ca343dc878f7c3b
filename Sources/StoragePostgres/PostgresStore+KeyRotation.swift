import Crypto
import Foundation
import NIOCore
import PostgresNIO
import Storage

extension PostgresStore {
    /// Seals again, with `secret-key`, every camera source of every tenant (deleted cameras
    /// too) that an older key sealed; returns how many. A source no configured key opens is an
    /// error, and nothing of that tenant is changed. Once it has run on every database, the
    /// previous keys can be dropped from the configuration.
    public func resealCameraSources() async throws -> Int {
        var resealed = 0
        for tenant in try await tenants() {
            let store = PostgresStore(sharing: self, tenantID: tenant.id)
            resealed += try await store.transaction("re-seal camera sources") { [store] connection in
                let rows = try await connection.query("""
                    SELECT id, source_sealed FROM cameras WHERE tenant_id = \(tenant.id) ORDER BY id FOR UPDATE
                    """, logger: store.logger).collect().map { try $0.decode((String, ByteBuffer).self) }
                var count = 0
                for (id, buffer) in rows {
                    let sealed = Array(buffer: buffer)
                    // Already sealed with the current key: nothing to do.
                    if (try? Self.open(sealed, keys: [store.key])) != nil { continue }
                    let source = try Self.open(sealed, keys: store.previousKeys)
                    let again = ByteBuffer(bytes: try Self.seal(source, key: store.key))
                    _ = try await connection.query("""
                        UPDATE cameras SET source_sealed = \(again) WHERE tenant_id = \(tenant.id) AND id = \(id)
                        """, logger: store.logger).collect()
                    count += 1
                }
                return count
            }
        }
        logger.info("storage.sources_resealed", metadata: ["storage.resealed": "\(resealed)"])
        return resealed
    }
}
