import Foundation
import Storage
import StorageTestSupport
import Testing

/// The audit trail: one entry with each audited change, none with a failed one.
extension StoreConformanceTests {
    @Test(arguments: Backend.available)
    func everyAuditedChangeWritesItsEntryAndAFailedChangeWritesNone(backend: Backend) async throws {
        try await backend.withStore { store in
            let admin = user("admin", role: .admin)
            try await store.createUser(admin, audit: audit("user.create", "user:admin", at: 1))
            var siteEntry = audit("site.save", "site:lobby", at: 2, by: admin)
            siteEntry.before = nil
            siteEntry.after = #"{"id":"lobby","name":"Lobby","timeZone":"UTC"}"#
            try await store.saveSite(Site(id: "lobby", name: "Lobby"), audit: siteEntry)
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1", at: 3, by: admin))
            _ = try await store.setGeometry(cameraID: "door-1", geometry: moved(1), audit: audit("geometry.set", "camera:door-1", at: 4, by: admin))
            var renamed = camera
            renamed.name = "Renamed"
            var updateEntry = audit("camera.update", "camera:door-1", at: 5, by: admin)
            updateEntry.before = #"{"name":"Front door"}"#
            updateEntry.after = #"{"name":"Renamed"}"#
            try await store.updateCamera(renamed, audit: updateEntry)
            try await store.createCredential(credential(admin, .apiToken, hash: 1, expires: nil, name: "ci"),
                                             audit: audit("token.create", "token:ci", at: 6, by: admin))
            try await store.createCredential(credential(admin, hash: 2), audit: nil)
            try await store.deleteCamera(id: "door-1", audit: audit("camera.delete", "camera:door-1", at: 7, by: admin))

            // Each of these fails, and leaves no entry behind.
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1", at: 8, by: admin))
            await #expect(throws: StorageError.self) {
                try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1", at: 9, by: admin))
            }
            await #expect(throws: StorageError.self) {
                try await store.updateCamera(Camera(id: "ghost", name: "G", source: "g.mp4", geometry: .init()),
                                             audit: audit("camera.update", "camera:ghost", at: 10, by: admin))
            }
            var bad = moved(1)
            bad.lines[0].b = bad.lines[0].a
            await #expect(throws: StorageError.self) {
                try await store.setGeometry(cameraID: "door-1", geometry: bad, audit: audit("geometry.set", "camera:door-1", at: 11, by: admin))
            }
            await #expect(throws: StorageError.self) {
                try await store.deleteSite(id: "ghost", audit: audit("site.delete", "site:ghost", at: 12, by: admin))
            }
            await #expect(throws: StorageError.self) {
                try await store.createUser(user("admin"), audit: audit("user.create", "user:admin", at: 13, by: admin))
            }
            await #expect(throws: StorageError.self) {
                try await store.deleteUser(id: UUID(), audit: audit("user.delete", "user:nobody", at: 14, by: admin))
            }
            await #expect(throws: StorageError.self) {
                try await store.createCredential(credential(admin, hash: 1), audit: audit("session.create", "user:admin", at: 15, by: admin))
            }

            let entries = try await store.auditEntries(AuditQuery())
            #expect(entries.map(\.action) == [
                "camera.create", "camera.delete", "token.create", "camera.update", "geometry.set", "camera.create", "site.save", "user.create",
            ])
            #expect(entries.first { $0.action == "camera.update" } == updateEntry)
            #expect(entries.first { $0.action == "site.save" } == siteEntry)
            #expect(entries.last == audit("user.create", "user:admin", at: 1))
        }
    }

    @Test(arguments: Backend.available)
    func auditQueriesFilterByTimeUserActionAndTargetNewestFirst(backend: Backend) async throws {
        try await backend.withStore { store in
            let alice = user("alice", role: .admin), bob = user("bob", role: .admin)
            try await store.createUser(alice, audit: audit("user.create", "user:alice", at: 0))
            try await store.createUser(bob, audit: audit("user.create", "user:bob", at: 0))
            try await store.saveSite(Site(id: "a", name: "A"), audit: audit("site.save", "site:a", at: 10, by: alice))
            try await store.saveSite(Site(id: "b", name: "B"), audit: audit("site.save", "site:b", at: 20, by: bob))
            try await store.saveSite(Site(id: "a", name: "A2"), audit: audit("site.save", "site:a", at: 30, by: bob))
            try await store.deleteSite(id: "b", audit: audit("site.delete", "site:b", at: 40, by: alice))

            func targets(_ query: AuditQuery) async throws -> [String] {
                try await store.auditEntries(query).map { "\($0.action) \($0.target)" }
            }
            // Entries of the same time: the one written last first.
            #expect(try await targets(AuditQuery()) == [
                "site.delete site:b", "site.save site:a", "site.save site:b", "site.save site:a", "user.create user:bob",
                "user.create user:alice",
            ])
            #expect(try await targets(AuditQuery(from: Self.at(10), to: Self.at(40))) == [
                "site.save site:a", "site.save site:b", "site.save site:a",
            ])
            #expect(try await targets(AuditQuery(userID: bob.id)) == ["site.save site:a", "site.save site:b"])
            #expect(try await targets(AuditQuery(action: "site.save")) == ["site.save site:a", "site.save site:b", "site.save site:a"])
            #expect(try await targets(AuditQuery(target: "site:b")) == ["site.delete site:b", "site.save site:b"])
            #expect(try await targets(AuditQuery(userID: alice.id, action: "site.save", target: "site:a")) == ["site.save site:a"])
            #expect(try await targets(AuditQuery(limit: 2)) == ["site.delete site:b", "site.save site:a"])
            #expect(try await targets(AuditQuery(limit: 0)).isEmpty)
            #expect(try await targets(AuditQuery(action: "camera.create")).isEmpty)
        }
    }
}
