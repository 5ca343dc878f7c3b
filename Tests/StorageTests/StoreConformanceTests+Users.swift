import Foundation
import Storage
import StorageTestSupport
import Testing

/// Users, their credentials, and signing in across tenants.
extension StoreConformanceTests {
    @Test(arguments: Backend.available)
    func usernamesAreUniqueAcrossTenantsAndAnUpdateKeepsTheName(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveTenant(Self.tenantB)
            let other = store.scoped(to: Self.tenantB.id)
            let alice = user("alice", role: .admin)
            let bob = user("bob", tenant: Self.tenantB.id)
            try await store.createUser(alice, audit: audit("user.create", "user:alice"))
            try await other.createUser(bob, audit: audit("user.create", "user:bob"))

            let taken = StorageError.conflict(field: "user.username", reason: "the username \"alice\" is taken")
            await #expect(throws: taken) {
                try await other.createUser(user("alice", tenant: Self.tenantB.id), audit: audit("user.create", "user:alice", at: 1))
            }
            var sameID = user("carol")
            sameID.id = bob.id
            await #expect(throws: StorageError.conflict(field: "user.id", reason: "a user with id \(bob.id) exists")) {
                try await store.createUser(sameID, audit: audit("user.create", "user:carol", at: 1))
            }
            await #expect(throws: StorageError.invalidInput(field: "user.username", reason: "use 1 to 64 letters, digits, '-', '_', '.' or '@'")) {
                try await store.createUser(user("has space"), audit: audit("user.create", "user:x", at: 1))
            }

            // A user is created in the store's tenant, whatever the value says.
            try await store.createUser(user("zed", tenant: Self.tenantB.id), audit: audit("user.create", "user:zed", at: 2))
            try await store.createUser(user("adam"), audit: audit("user.create", "user:adam", at: 3))
            #expect(try await store.users().map(\.username) == ["adam", "alice", "zed"])
            #expect(try await store.users().allSatisfy { $0.tenantID == store.tenantID })
            #expect(try await other.users() == [bob])

            var changed = alice
            changed.username = "mallory"
            changed.passwordHash = "$2b$12$new-hash"
            changed.role = .viewer
            changed.sites = ["lobby", "station"]
            changed.created = Self.at(999)
            changed.tenantID = Self.tenantB.id
            try await store.updateUser(changed, audit: audit("user.update", "user:alice", at: 4))
            var expected = alice
            expected.passwordHash = "$2b$12$new-hash"
            expected.role = .viewer
            expected.sites = ["lobby", "station"]
            #expect(try await store.user(id: alice.id) == expected)
            #expect(try await store.user(username: "mallory") == nil)
            await #expect(throws: StorageError.notFound(field: "user.id", reason: "no user with id \(bob.id)")) {
                try await store.updateUser(bob, audit: audit("user.update", "user:bob", at: 5))
            }

            // Signing in finds a user in whichever tenant.
            #expect(try await store.user(username: "bob") == bob)
            #expect(try await other.user(username: "alice") == expected)
            #expect(try await store.auditEntries(AuditQuery()).map(\.target) == ["user:alice", "user:adam", "user:zed", "user:alice"])
        }
    }

    @Test(arguments: Backend.available)
    func deletingAUserRemovesTheirCredentialsButNotTheirAuditEntries(backend: Backend) async throws {
        try await backend.withStore { store in
            let alice = user("alice")
            try await store.createUser(alice, audit: audit("user.create", "user:alice"))
            try await store.createCredential(credential(alice, hash: 1, created: 1), audit: audit("session.create", "user:alice", at: 1, by: alice))
            try await store.createCredential(credential(alice, .apiToken, hash: 2, created: 2, expires: nil, name: "door-camera-3"),
                                             audit: audit("token.create", "user:alice", at: 2, by: alice))
            try await store.deleteUser(id: alice.id, audit: audit("user.delete", "user:alice", at: 3))

            #expect(try await store.user(id: alice.id) == nil)
            #expect(try await store.users().isEmpty)
            #expect(try await store.credentials(userID: alice.id).isEmpty)
            #expect(try await store.authenticate(tokenHash: tokenHash(2), at: Self.at(4)) == nil)
            #expect(try await store.hasUsers() == false)
            #expect(try await store.auditEntries(AuditQuery(userID: alice.id)).map(\.action) == ["token.create", "session.create"])
            await #expect(throws: StorageError.notFound(field: "user.id", reason: "no user with id \(alice.id)")) {
                try await store.deleteUser(id: alice.id, audit: audit("user.delete", "user:alice", at: 5))
            }
            // The username is free again.
            try await store.createUser(user("alice"), audit: audit("user.create", "user:alice", at: 6))
        }
    }

    @Test(arguments: Backend.available)
    func onlyValidCredentialsAuthenticate(backend: Backend) async throws {
        try await backend.withStore { store in
            let alice = user("alice")
            try await store.createUser(alice, audit: audit("user.create", "user:alice"))
            let session = credential(alice, hash: 1, created: 10, expires: 3_600)
            let token = credential(alice, .apiToken, hash: 2, created: 20, expires: nil, name: "door-camera-3")
            let expired = credential(alice, hash: 3, created: 5, expires: 6)
            for item in [session, token, expired] { try await store.createCredential(item, audit: nil) }
            #expect(try await store.credentials(userID: alice.id) == [token, session, expired])

            let signedIn = try await store.authenticate(tokenHash: tokenHash(1), at: Self.at(100))
            #expect(signedIn?.credential == session)
            #expect(signedIn?.user == alice)
            #expect(try await store.authenticate(tokenHash: tokenHash(1), at: Self.at(3_600)) == nil)
            #expect(try await store.authenticate(tokenHash: tokenHash(2), at: Self.at(10_000_000))?.credential == token)
            #expect(try await store.authenticate(tokenHash: tokenHash(3), at: Self.at(100)) == nil)
            #expect(try await store.authenticate(tokenHash: tokenHash(9), at: Self.at(100)) == nil)

            await #expect(throws: StorageError.notFound(field: "credential.userID", reason: "no user with id \(token.id)")) {
                var stray = credential(alice, hash: 4)
                stray.userID = token.id
                try await store.createCredential(stray, audit: audit("session.create", "user:nobody", at: 1))
            }
            await #expect(throws: StorageError.conflict(field: "credential.tokenHash", reason: "a credential with this token exists")) {
                try await store.createCredential(credential(alice, hash: 1), audit: audit("session.create", "user:alice", at: 2))
            }
            await #expect(throws: StorageError.invalidInput(field: "credential.tokenHash", reason: "must be a SHA-256 digest (32 bytes)")) {
                var short = credential(alice, hash: 5)
                short.tokenHash = [1, 2, 3]
                try await store.createCredential(short, audit: audit("session.create", "user:alice", at: 3))
            }
            #expect(try await store.credentials(userID: alice.id).count == 3)
            #expect(try await store.auditEntries(AuditQuery()).map(\.action) == ["user.create"])
        }
    }

    @Test(arguments: Backend.available)
    func revokingCredentialsReturnsTheHashesRevoked(backend: Backend) async throws {
        try await backend.withStore { store in
            let alice = user("alice"), bob = user("bob")
            try await store.createUser(alice, audit: audit("user.create", "user:alice"))
            try await store.createUser(bob, audit: audit("user.create", "user:bob"))
            let first = credential(alice, hash: 1, created: 1), second = credential(alice, hash: 2, created: 2)
            let token = credential(alice, .apiToken, hash: 3, created: 3, expires: nil, name: "export")
            let bobs = credential(bob, hash: 4, created: 4)
            for item in [first, second, token, bobs] { try await store.createCredential(item, audit: nil) }

            await #expect(throws: StorageError.notFound(field: "credential.id", reason: "no credential with id \(first.id)")) {
                try await store.deleteCredential(id: first.id, userID: bob.id, audit: audit("session.revoke", "user:bob", at: 5))
            }
            try await store.deleteCredential(id: first.id, userID: alice.id, audit: audit("session.revoke", "user:alice", at: 6))
            await #expect(throws: StorageError.notFound(field: "credential.id", reason: "no credential with id \(first.id)")) {
                try await store.deleteCredential(id: first.id, userID: alice.id, audit: nil)
            }
            #expect(try await store.deleteCredentials(userID: alice.id, kind: .session, audit: nil) == [tokenHash(2)])
            #expect(try await store.deleteCredentials(userID: alice.id, kind: nil, audit: audit("user.signout", "user:alice", at: 7))
                == [tokenHash(3)])
            #expect(try await store.deleteCredentials(userID: alice.id, kind: nil, audit: nil).isEmpty)
            #expect(try await store.credentials(userID: alice.id).isEmpty)
            #expect(try await store.credentials(userID: bob.id) == [bobs])
            #expect(try await store.auditEntries(AuditQuery()).map(\.action) == ["user.signout", "session.revoke", "user.create", "user.create"])
        }
    }

    @Test(arguments: Backend.available)
    func expiredCredentialsAreRemovedInEveryTenant(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveTenant(Self.tenantB)
            let other = store.scoped(to: Self.tenantB.id)
            #expect(try await store.hasUsers() == false)
            let alice = user("alice"), bob = user("bob", tenant: Self.tenantB.id)
            try await store.createUser(alice, audit: audit("user.create", "user:alice"))
            try await other.createUser(bob, audit: audit("user.create", "user:bob"))
            #expect(try await other.hasUsers())
            try await store.createCredential(credential(alice, hash: 1, expires: 10), audit: nil)
            try await other.createCredential(credential(bob, hash: 2, expires: 20), audit: nil)
            try await other.createCredential(credential(bob, hash: 3, created: 2, expires: 100), audit: nil)
            try await other.createCredential(credential(bob, .apiToken, hash: 4, created: 1, expires: nil, name: "forever"), audit: nil)

            #expect(try await store.deleteExpiredCredentials(before: Self.at(50)) == 2)
            #expect(try await store.credentials(userID: alice.id).isEmpty)
            #expect(try await other.credentials(userID: bob.id).map(\.tokenHash) == [tokenHash(3), tokenHash(4)])
            #expect(try await store.deleteExpiredCredentials(before: Self.at(50)) == 0)

            try await store.deleteUser(id: alice.id, audit: audit("user.delete", "user:alice", at: 1))
            #expect(try await store.hasUsers())
            try await other.deleteUser(id: bob.id, audit: audit("user.delete", "user:bob", at: 1))
            #expect(try await store.hasUsers() == false)
        }
    }

    @Test(arguments: Backend.available)
    func erasingAUserLeavesAPseudonymWhereTheirNameWasAndNothingElseChanges(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveTenant(Self.tenantB)
            let other = store.scoped(to: Self.tenantB.id)
            let root = user("root", role: .admin)
            let alice = user("alice.smith@example.com")
            let bob = user("bob", tenant: Self.tenantB.id)
            try await store.createUser(root, audit: audit("user.create", "user:root"))
            try await store.createUser(alice, audit: AuditEntry(
                time: Self.at(1), userID: root.id, username: "root", action: "user.create", target: "user:alice.smith@example.com",
                after: #"{"role":"operator","username":"alice.smith@example.com"}"#))
            try await other.createUser(bob, audit: audit("user.create", "user:bob"))
            try await store.createCredential(credential(alice, .apiToken, hash: 41, expires: nil, name: "laptop"), audit: nil)
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1", at: 2, by: alice))
            let rule = occupancyRule()
            try await store.saveAlertRule(rule, audit: audit("alert-rule.create", "alert-rule:\(rule.id)", at: 3, by: root))
            let (opened, _) = try await store.openAlert(alert(rule, at: 4))
            _ = try await store.acknowledgeAlert(id: opened.id, by: alice.username, audit: audit("alert.acknowledge", "alert:1", at: 5, by: alice))
            let before = try await store.auditEntries(AuditQuery(limit: 100))
            let otherBefore = try await other.auditEntries(AuditQuery(limit: 100))

            await #expect(throws: StorageError.invalidInput(field: "pseudonym", reason: "use erased- and 1 to 32 of a-z and 0-9")) {
                _ = try await store.eraseUser(id: alice.id, pseudonym: "anonymous", audit: audit("user.erase", "user:x", at: 6))
            }
            await #expect(throws: StorageError.self) {
                _ = try await store.eraseUser(id: bob.id, pseudonym: "erased-b0b", audit: audit("user.erase", "user:x", at: 6))
            }
            let erasure = try await store.eraseUser(id: alice.id, pseudonym: "erased-7f3a", audit: audit("user.erase", "user:erased-7f3a", at: 6, by: root))
            #expect(erasure.revokedTokenHashes == [tokenHash(41)])
            #expect(erasure.auditEntries == 3 && erasure.alerts == 1)
            #expect(try await store.user(id: alice.id) == nil)
            #expect(try await store.credentials(userID: alice.id).isEmpty)
            #expect(try await store.authenticate(tokenHash: tokenHash(41), at: Self.at(7)) == nil)

            let after = try await store.auditEntries(AuditQuery(limit: 100))
            #expect(after.count == before.count + 1)
            #expect(!after.contains { "\($0)".contains("alice") }, "no trace of the name")
            #expect(after.contains { $0.action == "user.create" && $0.target == "user:erased-7f3a" && $0.username == "root"
                && $0.after == #"{"role":"operator","username":"erased-7f3a"}"# })
            #expect(after.filter { $0.username == "erased-7f3a" }.map(\.action).sorted() == ["alert.acknowledge", "camera.create"])
            // Everything else is as it was: times, actions, who else did what.
            #expect(after.filter { $0.action != "user.erase" }.map(\.time) == before.map(\.time))
            #expect(after.filter { $0.action != "user.erase" }.map(\.action) == before.map(\.action))
            #expect(try await store.alert(id: opened.id)?.acknowledgedBy == "erased-7f3a")
            #expect(try await other.auditEntries(AuditQuery(limit: 100)) == otherBefore)
            #expect(try await other.user(id: bob.id) == bob)

            // Only the name as a name changes: a user called "operator" keeps their role's value.
            let named = user("operator")
            try await store.createUser(named, audit: AuditEntry(time: Self.at(8), username: "root", action: "user.create",
                                                                target: "user:operator", after: #"{"role":"operator","username":"operator"}"#))
            _ = try await store.eraseUser(id: named.id, pseudonym: "erased-0b5e", audit: audit("user.erase", "user:erased-0b5e", at: 9))
            #expect(try await store.auditEntries(AuditQuery(action: "user.create", limit: 100)).contains {
                $0.target == "user:erased-0b5e" && $0.after == #"{"role":"operator","username":"erased-0b5e"}"#
            })
        }
    }
}
