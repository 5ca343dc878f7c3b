import Foundation
import Storage
import StorageTestSupport
import Testing

/// API tokens bound to one camera, on every backend.
extension StoreConformanceTests {
    @Test(arguments: Backend.available)
    func aCamerasTokenKeepsItsCameraThroughSignIn(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            let owner = user("installer@example.com")
            try await store.createUser(owner, audit: audit("user.create", "user:installer"))
            var bound = credential(owner, .apiToken, hash: 41, expires: nil, name: "door camera")
            bound.cameraID = "door-1"
            try await store.createCredential(bound, audit: nil)
            let signedIn = try #require(try await store.authenticate(tokenHash: tokenHash(41), at: Self.at(10)))
            #expect(signedIn.credential.cameraID == "door-1")
            #expect(signedIn.user.id == owner.id)
            #expect(try await store.credentials(userID: owner.id).map(\.cameraID) == ["door-1"])

            var unknown = credential(owner, .apiToken, hash: 42, expires: nil, name: "ghost")
            unknown.cameraID = "ghost"
            await #expect(throws: StorageError.invalidInput(field: "credential.cameraID", reason: "no camera with id \"ghost\"")) {
                try await store.createCredential(unknown, audit: nil)
            }
            var session = credential(owner, .session, hash: 43)
            session.cameraID = "door-1"
            await #expect(throws: StorageError.invalidInput(field: "credential.cameraID", reason: "only an API token can be a camera's")) {
                try await store.createCredential(session, audit: nil)
            }
            #expect(try await store.authenticate(tokenHash: tokenHash(42), at: Self.at(10)) == nil)
            #expect(try await store.credentials(userID: owner.id).count == 1, "nothing else was stored")

            // Deleting the camera revokes its token; a camera added again under its id is not the token's.
            let general = credential(owner, .apiToken, hash: 44, expires: nil, name: "script")
            try await store.createCredential(general, audit: nil)
            try await store.deleteCamera(id: "door-1", audit: audit("camera.delete", "camera:door-1"))
            try await store.saveCamera(camera)
            #expect(try await store.authenticate(tokenHash: tokenHash(41), at: Self.at(20)) == nil)
            #expect(try await store.credentials(userID: owner.id).map(\.name) == ["script"], "other tokens stay")
        }
    }
}
