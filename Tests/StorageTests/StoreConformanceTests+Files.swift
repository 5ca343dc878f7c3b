import Foundation
import Storage
import StorageTestSupport
import Testing

/// The `files` table, on every backend.
extension StoreConformanceTests {
    func report(_ key: String, site: String? = "shop", at seconds: Double = 0) -> StoredFile {
        StoredFile(kind: .report, key: key, name: "shop-day.html", contentType: "text/html; charset=utf-8", size: 12,
                   sha256: Array(repeating: 7, count: 32), siteID: site, created: Self.at(seconds))
    }

    @Test(arguments: Backend.available)
    func filesAreListedOncePerKeyNewestFirstAndBySite(backend: Backend) async throws {
        try await backend.withStore { store in
            let audit = audit("site.save", "shop")
            try await store.saveSite(Site(id: "shop", name: "Shop"), audit: audit)
            try await store.saveSite(Site(id: "depot", name: "Depot"), audit: audit)
            let first = report("reports/a.html", at: 0), second = report("reports/b.html", site: "depot", at: 60)
            #expect(try await store.addFile(first))
            #expect(try await store.addFile(second))
            // The same key again (a second process making the same report): listed once.
            #expect(try await !store.addFile(report("reports/a.html", at: 120)))
            #expect(try await store.files(kind: .report, siteIDs: nil, limit: 10).map(\.key) == ["reports/b.html", "reports/a.html"])
            #expect(try await store.files(kind: .report, siteIDs: ["shop"], limit: 10).map(\.id) == [first.id])
            #expect(try await store.files(kind: .report, siteIDs: nil, limit: 1).map(\.id) == [second.id])
            #expect(try await store.files(kind: .export, siteIDs: nil, limit: 10).isEmpty)
            let read = try #require(try await store.file(id: first.id))
            #expect(read == first)
            #expect(try await store.file(id: UUID()) == nil)

            await #expect(throws: StorageError.invalidInput(field: "file.site", reason: "no site with id \"moon\"")) {
                try await store.addFile(report("reports/c.html", site: "moon"))
            }
            for key in ["../etc/passwd", "a//b", "a b", "", "reports/./x"] {
                await #expect(throws: StorageError.self) { try await store.addFile(report(key)) }
            }
            #expect(try await store.files(kind: .report, siteIDs: nil, limit: 10).count == 2)
        }
    }

    @Test(arguments: Backend.available)
    func anotherTenantNeitherSeesNorTakesAFilesKey(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveSite(Site(id: "shop", name: "Shop"), audit: audit("site.save", "shop"))
            let mine = report("reports/a.html")
            #expect(try await store.addFile(mine))
            let other = Tenant(id: UUID(), name: "Other")
            try await store.saveTenant(other)
            let theirs = store.scoped(to: other.id)
            #expect(try await theirs.file(id: mine.id) == nil)
            #expect(try await theirs.files(kind: .report, siteIDs: nil, limit: 10).isEmpty)
            #expect(try await !theirs.addFile(report("reports/a.html", site: nil)))
        }
    }
}

/// Files past their expiry, on every backend.
extension StoreConformanceTests {
    @Test(arguments: Backend.available)
    func expiredFilesAreUnlistedSoonestFirstAndOnlyThem(backend: Backend) async throws {
        try await backend.withStore { store in
            func snapshot(_ key: String, expires: Double?) -> StoredFile {
                StoredFile(kind: .snapshot, key: key, name: "door.jpg", contentType: "image/jpeg", size: 3,
                           sha256: Array(repeating: 1, count: 32), siteID: nil, created: Self.at(0), expires: expires.map(Self.at))
            }
            let later = snapshot("snapshots/t/door/b.jpg", expires: 100), sooner = snapshot("snapshots/t/door/a.jpg", expires: 10)
            let kept = snapshot("snapshots/t/door/c.jpg", expires: nil)
            for file in [later, sooner, kept] { #expect(try await store.addFile(file)) }
            let other = Tenant(id: UUID(), name: "Other")
            try await store.saveTenant(other)
            let theirs = snapshot("snapshots/o/gate/a.jpg", expires: 10)
            #expect(try await store.scoped(to: other.id).addFile(theirs))

            // One camera's, by key prefix: `_` is a plain character, not a wildcard.
            let underscore = snapshot("snapshots/t/do_r/a.jpg", expires: nil), lookalike = snapshot("snapshots/t/doXr/a.jpg", expires: nil)
            for file in [underscore, lookalike] { #expect(try await store.addFile(file)) }
            #expect(try await store.files(kind: .snapshot, siteIDs: nil, keyPrefix: "snapshots/t/do_r/", limit: 10).map(\.id) == [underscore.id])
            #expect(Set(try await store.files(kind: .snapshot, siteIDs: nil, keyPrefix: "snapshots/t/door/", limit: 10).map(\.id))
                    == [later.id, sooner.id, kept.id])
            #expect(try await store.removeExpiredFiles(before: Self.at(5), limit: 10).isEmpty)
            #expect(try await store.removeExpiredFiles(before: Self.at(200), limit: 1).map(\.id) == [sooner.id])
            #expect(try await store.removeExpiredFiles(before: Self.at(200), limit: 10).map(\.id) == [later.id])
            #expect(try await store.files(kind: .snapshot, siteIDs: nil, keyPrefix: "snapshots/t/door/", limit: 10).map(\.id) == [kept.id],
                    "no expiry: kept")
            #expect(try await store.file(id: theirs.id) == nil)
            #expect(try await store.scoped(to: other.id).file(id: theirs.id) != nil, "another tenant's are its own round's")
        }
    }
}
