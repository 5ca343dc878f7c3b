import Foundation
import Storage
import StorageTestSupport
import Testing

/// Sites: saved, listed, and kept while cameras belong to them.
extension StoreConformanceTests {
    @Test(arguments: Backend.available)
    func sitesAreSavedListedAndKeptWhileCamerasBelongToThem(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveSite(Site(id: "station", name: "Station", timeZone: "Europe/Berlin"), audit: audit("site.save", "site:station"))
            try await store.saveSite(Site(id: "mall", name: "Mall"), audit: audit("site.save", "site:mall", at: 1))
            try await store.saveSite(Site(id: "mall", name: "Mall (east)", timeZone: "Europe/Paris"), audit: audit("site.save", "site:mall", at: 2))
            #expect(try await store.sites() == [
                Site(id: "mall", name: "Mall (east)", timeZone: "Europe/Paris"),
                Site(id: "station", name: "Station", timeZone: "Europe/Berlin"),
            ])
            #expect(try await store.site(id: "mall")?.name == "Mall (east)")
            #expect(try await store.site(id: "nowhere") == nil)
            await #expect(throws: StorageError.self) {
                try await store.saveSite(Site(id: "moon", name: "Moon", timeZone: "Moon/Base"), audit: audit("site.save", "site:moon", at: 3))
            }

            var inMall = camera
            inMall.siteID = "mall"
            try await store.createCamera(inMall, audit: audit("camera.create", "camera:door-1", at: 4))
            await #expect(throws: StorageError.conflict(field: "site.id", reason: "cameras still belong to site \"mall\"")) {
                try await store.deleteSite(id: "mall", audit: audit("site.delete", "site:mall", at: 5))
            }
            #expect(try await store.site(id: "mall") != nil)

            // A deleted camera does not hold its site.
            try await store.deleteCamera(id: "door-1", audit: audit("camera.delete", "camera:door-1", at: 6))
            try await store.deleteSite(id: "mall", audit: audit("site.delete", "site:mall", at: 7))
            #expect(try await store.sites().map(\.id) == ["station"])
            await #expect(throws: StorageError.notFound(field: "site.id", reason: "no site with id \"mall\"")) {
                try await store.deleteSite(id: "mall", audit: audit("site.delete", "site:mall", at: 8))
            }
            // Brought back, the camera names a site that exists.
            var revived = camera
            revived.siteID = "station"
            try await store.createCamera(revived, audit: audit("camera.create", "camera:door-1", at: 9))
            #expect(try await store.camera(id: "door-1")?.siteID == "station")
            #expect(try await store.auditEntries(AuditQuery()).map(\.action)
                == ["camera.create", "site.delete", "camera.delete", "camera.create", "site.save", "site.save", "site.save"])
        }
    }
}
