import CountingCore
import Foundation
import Storage
import StorageTestSupport
import Testing

/// Tenants, and what a view of one tenant may see and change.
extension StoreConformanceTests {
    @Test(arguments: Backend.available)
    func tenantsAreListedByNameAndSavedAgainToRename(backend: Backend) async throws {
        try await backend.withStore { store in
            #expect(try await store.tenants().map(\.id) == [store.tenantID])
            try await store.saveTenant(Self.tenantB)
            try await store.saveTenant(Tenant(id: UUID(uuidString: "aaaaaaaa-0000-4000-8000-000000000003")!, name: "Acme"))
            #expect(try await store.tenants().map(\.name) == ["Acme", "Default", "Second"])
            try await store.saveTenant(Tenant(id: Self.tenantB.id, name: "Zenith"))
            #expect(try await store.tenants().map(\.name) == ["Acme", "Default", "Zenith"])
            await #expect(throws: StorageError.invalidInput(field: "tenant.name", reason: "a name must have 1 to 200 characters")) {
                try await store.saveTenant(Tenant(id: UUID(), name: ""))
            }
            #expect(try await store.tenants().count == 3)
            #expect(store.scoped(to: Self.tenantB.id).tenantID == Self.tenantB.id)
        }
    }

    @Test(arguments: Backend.available)
    func aTenantViewSeesAndChangesOnlyItsOwnRows(backend: Backend) async throws {
        try await backend.withStore { store in
            // Tenant A (the store's own) has a site, a camera with counts, a user with a session, and audit entries.
            let alice = user("alice", role: .admin)
            var inLobby = camera
            inLobby.siteID = "lobby"
            try await store.saveSite(Site(id: "lobby", name: "Lobby"), audit: audit("site.save", "site:lobby"))
            try await store.createCamera(inLobby, audit: audit("camera.create", "camera:door-1", at: 1))
            try await store.createUser(alice, audit: audit("user.create", "user:alice", at: 2))
            let session = credential(alice, hash: 1)
            try await store.createCredential(session, audit: nil)
            #expect(try await store.insertCrossings([crossing("x", seconds: 1)]) == 1)
            try await store.addCountingResults([CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: Self.minute0, countIn: 4)])
            try await store.insertCameraEvent(CameraEvent(cameraID: "door-1", time: Self.at(1), status: .online))

            try await store.saveTenant(Self.tenantB)
            let b = store.scoped(to: Self.tenantB.id)
            #expect(b.tenantID == Self.tenantB.id)

            // B sees none of A's rows.
            #expect(try await b.cameras().isEmpty)
            #expect(try await b.camera(id: "door-1") == nil)
            #expect(try await b.sites().isEmpty)
            #expect(try await b.site(id: "lobby") == nil)
            #expect(try await b.users().isEmpty)
            #expect(try await b.user(id: alice.id) == nil)
            #expect(try await b.credentials(userID: alice.id).isEmpty)
            #expect(try await b.auditEntries(AuditQuery()).isEmpty)
            #expect(try await b.crossings(cameraID: "door-1", from: .distantPast, to: .distantFuture).isEmpty)
            #expect(try await b.crossingTotals(cameraID: "door-1", from: .distantPast, to: .distantFuture).isEmpty)
            #expect(try await b.countSeries(cameraID: "door-1", from: .distantPast, to: .distantFuture, bucket: .day).lines.isEmpty)
            #expect(try await b.cameraEvents(cameraID: "door-1", from: .distantPast, to: .distantFuture, limit: 10).isEmpty)

            // …and can change none of them.
            let noCamera = StorageError.notFound(field: "camera.id", reason: "no camera with id \"door-1\"")
            var takeover = camera
            takeover.name = "Taken over"
            await #expect(throws: noCamera) { try await b.updateCamera(takeover, audit: audit("camera.update", "camera:door-1", at: 3)) }
            await #expect(throws: noCamera) { try await b.deleteCamera(id: "door-1", audit: audit("camera.delete", "camera:door-1", at: 3)) }
            await #expect(throws: noCamera) {
                try await b.setGeometry(cameraID: "door-1", geometry: moved(1), audit: audit("geometry.set", "camera:door-1", at: 3))
            }
            await #expect(throws: noCamera) { try await b.geometryVersions(cameraID: "door-1") }
            await #expect(throws: StorageError.notFound(field: "site.id", reason: "no site with id \"lobby\"")) {
                try await b.deleteSite(id: "lobby", audit: audit("site.delete", "site:lobby", at: 3))
            }
            await #expect(throws: StorageError.notFound(field: "user.id", reason: "no user with id \(alice.id)")) {
                try await b.updateUser(alice, audit: audit("user.update", "user:alice", at: 3))
            }
            await #expect(throws: StorageError.notFound(field: "user.id", reason: "no user with id \(alice.id)")) {
                try await b.deleteUser(id: alice.id, audit: audit("user.delete", "user:alice", at: 3))
            }
            await #expect(throws: StorageError.notFound(field: "credential.userID", reason: "no user with id \(alice.id)")) {
                try await b.createCredential(credential(alice, hash: 2), audit: nil)
            }
            await #expect(throws: StorageError.notFound(field: "credential.id", reason: "no credential with id \(session.id)")) {
                try await b.deleteCredential(id: session.id, userID: alice.id, audit: nil)
            }
            #expect(try await b.deleteCredentials(userID: alice.id, kind: nil, audit: nil).isEmpty)
            await #expect(throws: StorageError.invalidInput(field: "crossings[0].cameraID", reason: "no camera with id \"door-1\"")) {
                try await b.insertCrossings([crossing("y")])
            }
            var inAsLobby = camera
            inAsLobby.id = "side"
            inAsLobby.siteID = "lobby"
            await #expect(throws: StorageError.invalidInput(field: "camera.siteID", reason: "no site with id \"lobby\"")) {
                try await b.createCamera(inAsLobby, audit: audit("camera.create", "camera:side", at: 3))
            }

            // Camera ids are unique in the whole installation (live numbers are kept by camera id);
            // crossing ids only within a tenant.
            let taken = StorageError.conflict(field: "camera.id", reason: "a camera with id \"door-1\" exists")
            await #expect(throws: taken) { try await b.createCamera(camera, audit: audit("camera.create", "camera:door-1", at: 4)) }
            await #expect(throws: taken) { try await b.saveCamera(camera) }
            var own = camera
            own.id = "door-2"
            own.name = "B's door"
            try await b.createCamera(own, audit: audit("camera.create", "camera:door-2", at: 4))
            #expect(try await b.insertCrossings([crossing("x", camera: "door-2", seconds: 2)]) == 1)
            #expect(try await b.cameras().map(\.name) == ["B's door"])
            #expect(try await b.auditEntries(AuditQuery()).map(\.target) == ["camera:door-2"])
            #expect(try await b.crossings(cameraID: "door-2", from: .distantPast, to: .distantFuture).map(\.id) == ["x"])

            // A's rows are as they were.
            #expect(try await store.camera(id: "door-1") == inLobby)
            #expect(try await store.crossings(cameraID: "door-1", from: .distantPast, to: .distantFuture) == [crossing("x", seconds: 1)])
            #expect(try await store.credentials(userID: alice.id) == [session])
            #expect(try await store.authenticate(tokenHash: tokenHash(1), at: Self.at(1))?.user == alice)
            #expect(try await store.auditEntries(AuditQuery()).map(\.action) == ["user.create", "camera.create", "site.save"])

            // A deleted camera's id stays with its tenant (which may bring it back).
            try await store.deleteCamera(id: "door-1", audit: audit("camera.delete", "camera:door-1", at: 5))
            await #expect(throws: taken) { try await b.createCamera(camera, audit: audit("camera.create", "camera:door-1", at: 6)) }
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1", at: 7))
        }
    }

    @Test(arguments: Backend.available)
    func aViewOfAnUnknownTenantAddsNothing(backend: Backend) async throws {
        try await backend.withStore { store in
            let stranger = UUID(uuidString: "cccccccc-0000-4000-8000-000000000003")!
            let view = store.scoped(to: stranger)
            let unknown = StorageError.invalidInput(field: "tenant", reason: "no tenant with id cccccccc-0000-4000-8000-000000000003")
            await #expect(throws: unknown) { try await view.saveCamera(camera) }
            await #expect(throws: unknown) { try await view.createCamera(camera, audit: audit("camera.create", "camera:door-1")) }
            await #expect(throws: unknown) { try await view.saveSite(Site(id: "s", name: "S"), audit: audit("site.save", "site:s")) }
            await #expect(throws: unknown) { try await view.createUser(user("eve"), audit: audit("user.create", "user:eve")) }
            let tenants = try await store.tenants()
            #expect(tenants.map(\.id) == [store.tenantID])
            #expect(try await view.cameras().isEmpty)
            #expect(try await store.hasUsers() == false)
        }
    }
}
