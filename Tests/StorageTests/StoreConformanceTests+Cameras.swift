import CountingCore
import Foundation
import Storage
import StorageTestSupport
import Testing

/// Managed cameras: create, update, delete and bring back, and their geometry versions.
extension StoreConformanceTests {
    @Test(arguments: Backend.available)
    func aCreatedCameraStartsAtVersionOneAndATakenIdIsAConflict(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveSite(Site(id: "lobby", name: "Lobby", timeZone: "Europe/Paris"), audit: audit("site.save", "site:lobby"))
            var managed = camera
            managed.siteID = "lobby"
            managed.detector = "onnx:/models/people.onnx"
            managed.analysisRate = 5
            managed.enabled = false
            managed.geometryVersion = 9  // set by the store
            try await store.createCamera(managed, audit: audit("camera.create", "camera:door-1", at: 1))
            managed.geometryVersion = 1
            #expect(try await store.camera(id: "door-1") == managed)
            #expect(try await store.geometryVersions(cameraID: "door-1")
                == [GeometryVersion(cameraID: "door-1", version: 1, geometry: camera.geometry, created: Self.at(1))])

            var again = camera
            again.name = "Another door"
            await #expect(throws: StorageError.conflict(field: "camera.id", reason: "a camera with id \"door-1\" exists")) {
                try await store.createCamera(again, audit: audit("camera.create", "camera:door-1", at: 2))
            }
            var elsewhere = camera
            elsewhere.id = "side"
            elsewhere.siteID = "nowhere"
            await #expect(throws: StorageError.invalidInput(field: "camera.siteID", reason: "no site with id \"nowhere\"")) {
                try await store.createCamera(elsewhere, audit: audit("camera.create", "camera:side", at: 3))
            }
            #expect(try await store.cameras() == [managed])
            #expect(try await store.auditEntries(AuditQuery()).map(\.action) == ["camera.create", "site.save"])
        }
    }

    @Test(arguments: Backend.available)
    func updatingACameraChangesItsSettingsButNotItsGeometry(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveSite(Site(id: "lobby", name: "Lobby"), audit: audit("site.save", "site:lobby"))
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1", at: 1))
            var changed = camera
            changed.name = "Front door (north)"
            changed.source = "rtsp://user:other-secret@camera/stream2"
            changed.siteID = "lobby"
            changed.detector = "hog"
            changed.analysisRate = 2.5
            changed.enabled = false
            changed.geometry = moved(5)
            changed.geometryVersion = 4
            try await store.updateCamera(changed, audit: audit("camera.update", "camera:door-1", at: 2))

            var expected = changed
            expected.geometry = camera.geometry
            expected.geometryVersion = 1
            #expect(try await store.camera(id: "door-1") == expected)
            #expect(try await store.geometryVersions(cameraID: "door-1").map(\.version) == [1])

            var ghost = camera
            ghost.id = "ghost"
            await #expect(throws: StorageError.notFound(field: "camera.id", reason: "no camera with id \"ghost\"")) {
                try await store.updateCamera(ghost, audit: audit("camera.update", "camera:ghost", at: 3))
            }
            var badSite = changed
            badSite.siteID = "nowhere"
            await #expect(throws: StorageError.invalidInput(field: "camera.siteID", reason: "no site with id \"nowhere\"")) {
                try await store.updateCamera(badSite, audit: audit("camera.update", "camera:door-1", at: 4))
            }
            #expect(try await store.camera(id: "door-1") == expected)
            #expect(try await store.auditEntries(AuditQuery()).map(\.action) == ["camera.update", "camera.create", "site.save"])
        }
    }

    @Test(arguments: Backend.available)
    func aDeletedCameraIsHiddenKeepsItsCountsAndComesBackWithItsHistory(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1", at: 1))
            #expect(try await store.insertCrossings([crossing("a", seconds: 1)]) == 1)
            try await store.deleteCamera(id: "door-1", audit: audit("camera.delete", "camera:door-1", at: 2))

            #expect(try await store.cameras().isEmpty)
            #expect(try await store.camera(id: "door-1") == nil)
            let notFound = StorageError.notFound(field: "camera.id", reason: "no camera with id \"door-1\"")
            await #expect(throws: notFound) { try await store.geometryVersions(cameraID: "door-1") }
            await #expect(throws: notFound) { try await store.updateCamera(camera, audit: audit("camera.update", "camera:door-1", at: 3)) }
            await #expect(throws: notFound) {
                try await store.setGeometry(cameraID: "door-1", geometry: moved(1), audit: audit("geometry.set", "camera:door-1", at: 3))
            }
            await #expect(throws: notFound) { try await store.deleteCamera(id: "door-1", audit: audit("camera.delete", "camera:door-1", at: 3)) }

            // Its counts stay, and late ones from a pipeline still stopping are kept too.
            #expect(try await store.insertCrossings([crossing("b", seconds: 2)]) == 1)
            try await store.insertCameraEvent(CameraEvent(cameraID: "door-1", time: Self.at(2), status: .offline))
            #expect(try await store.crossings(cameraID: "door-1", from: .distantPast, to: .distantFuture).map(\.id) == ["a", "b"])

            // The id comes back with new settings and its geometry versions go on.
            var revived = camera
            revived.name = "Front door again"
            revived.geometry = moved(3)
            try await store.createCamera(revived, audit: audit("camera.create", "camera:door-1", at: 4))
            revived.geometryVersion = 2
            #expect(try await store.cameras() == [revived])
            #expect(try await store.geometryVersions(cameraID: "door-1").map(\.geometry) == [camera.geometry, moved(3)])
            #expect(try await store.crossings(cameraID: "door-1", from: .distantPast, to: .distantFuture).count == 2)
            #expect(try await store.auditEntries(AuditQuery()).map(\.action) == ["camera.create", "camera.delete", "camera.create"])
        }
    }

    @Test(arguments: Backend.available)
    func eachGeometryChangeIsANewVersionAndABadOneStoresNothing(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1", at: 1))
            let second = try await store.setGeometry(cameraID: "door-1", geometry: moved(1), audit: audit("geometry.set", "camera:door-1", at: 2))
            #expect(second == GeometryVersion(cameraID: "door-1", version: 2, geometry: moved(1), created: Self.at(2)))
            let third = try await store.setGeometry(cameraID: "door-1", geometry: moved(2), audit: audit("geometry.set", "camera:door-1", at: 3))
            #expect(third.version == 3)
            #expect(try await store.camera(id: "door-1")?.geometry == moved(2))
            #expect(try await store.camera(id: "door-1")?.geometryVersion == 3)

            var bad = moved(2)
            bad.lines[0].b = bad.lines[0].a
            await #expect(throws: StorageError.invalidInput(field: "camera.geometry.lines[0].b", reason: "a line needs two different end points")) {
                try await store.setGeometry(cameraID: "door-1", geometry: bad, audit: audit("geometry.set", "camera:door-1", at: 4))
            }
            await #expect(throws: StorageError.notFound(field: "camera.id", reason: "no camera with id \"ghost\"")) {
                try await store.setGeometry(cameraID: "ghost", geometry: moved(1), audit: audit("geometry.set", "camera:ghost", at: 5))
            }
            let versions = try await store.geometryVersions(cameraID: "door-1")
            #expect(versions == [
                GeometryVersion(cameraID: "door-1", version: 1, geometry: camera.geometry, created: Self.at(1)),
                second, third,
            ])
            #expect(try await store.camera(id: "door-1")?.geometryVersion == 3)
            #expect(try await store.auditEntries(AuditQuery()).map(\.action) == ["geometry.set", "geometry.set", "camera.create"])
        }
    }

    @Test(arguments: Backend.available)
    func savingACameraMakesAVersionOnlyWhenItsGeometryChanges(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            var renamed = camera
            renamed.name = "Renamed"
            renamed.enabled = false
            try await store.saveCamera(renamed)
            #expect(try await store.camera(id: "door-1") == renamed)
            #expect(try await store.geometryVersions(cameraID: "door-1").map(\.version) == [1])

            var movedCamera = renamed
            movedCamera.geometry = moved(4)
            try await store.saveCamera(movedCamera)
            movedCamera.geometryVersion = 2
            #expect(try await store.camera(id: "door-1") == movedCamera)
            #expect(try await store.geometryVersions(cameraID: "door-1").map(\.geometry) == [camera.geometry, moved(4)])
            #expect(try await store.auditEntries(AuditQuery()).isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func crossingsKeepTheGeometryVersionTheyWereCountedWith(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.createCamera(camera, audit: audit("camera.create", "camera:door-1"))
            _ = try await store.insertCrossings([crossing("before", seconds: 1, version: 1)])
            _ = try await store.setGeometry(cameraID: "door-1", geometry: moved(1), audit: audit("geometry.set", "camera:door-1", at: 2))
            _ = try await store.insertCrossings([crossing("after", seconds: 3, version: 2)])
            let stored = try await store.crossings(cameraID: "door-1", from: .distantPast, to: .distantFuture)
            #expect(stored == [crossing("before", seconds: 1, version: 1), crossing("after", seconds: 3, version: 2)])
            var unversioned = crossing("zero", seconds: 4)
            unversioned.geometryVersion = 0
            await #expect(throws: StorageError.invalidInput(field: "crossings[0].geometryVersion", reason: "versions start at 1")) {
                try await store.insertCrossings([unversioned])
            }
        }
    }
}
