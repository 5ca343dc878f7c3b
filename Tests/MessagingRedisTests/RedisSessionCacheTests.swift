import FootfallTestSupport
import Foundation
import MessagingRedis
import Storage
import Testing

/// Checked credentials shared through Redis: every API process sees them, a revocation removes
/// them everywhere, and no password hash is kept.
@Suite(.enabled(if: TestRedis.available, "needs FOOTFALL_TEST_REDIS_URL (scripts/test.sh starts Redis)"))
struct RedisSessionCacheTests {
    @Test func entriesAreSharedExpireAndAreRemovedOnRevocation() async throws {
        let prefix = TestRedis.prefix()
        try await TestRedis.withClient(try TestRedis.configuration()) { client in
            let one = RedisSessionCache(client: client, prefix: prefix, logger: TestRedis.logger)
            let other = RedisSessionCache(client: client, prefix: prefix, logger: TestRedis.logger)
            let user = User(tenantID: Tenant.defaultID, username: "alice", passwordHash: "$2b$04$secret-hash", role: .operator,
                            sites: ["north"], created: Date(timeIntervalSince1970: 1_800_000_000))
            let hash = [UInt8](repeating: 7, count: 32)
            let credential = Credential(tenantID: Tenant.defaultID, userID: user.id, kind: .apiToken, name: "door", tokenHash: hash,
                                        created: Date(timeIntervalSince1970: 1_800_000_000), expires: nil)
            await one.put(tokenHash: hash, credential: credential, user: user, lifetime: .seconds(600))
            let seen = try #require(await other.get(tokenHash: hash))
            #expect(seen.credential == credential)
            #expect(seen.user.username == "alice" && seen.user.role == .operator && seen.user.sites == ["north"])
            #expect(seen.user.passwordHash.isEmpty, "no password hash travels through the cache")
            let raw = try await client.send(["GET", prefix + hash.map { String(format: "%02x", $0) }.joined()]).string ?? ""
            #expect(!raw.contains("secret-hash"))

            await other.remove(tokenHashes: [hash])
            #expect(await one.get(tokenHash: hash) == nil)

            await one.put(tokenHash: hash, credential: credential, user: user, lifetime: .milliseconds(200))
            try await eventually("the entry expired") { await one.get(tokenHash: hash) == nil }

            // A camera's token keeps its camera through the cache: without it, it would act as its owner.
            var cameraToken = credential
            cameraToken.cameraID = "door"
            await one.put(tokenHash: hash, credential: cameraToken, user: user, lifetime: .seconds(600))
            #expect(await other.get(tokenHash: hash)?.credential.cameraID == "door")
        }
    }
}
