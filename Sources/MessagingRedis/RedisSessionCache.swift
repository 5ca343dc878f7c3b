import FootfallSupport
import Foundation
import Logging
import Messaging
import Storage

/// Checked sessions and API tokens in Redis, shared by every API process, so that a credential
/// is looked up in the database once per lifetime rather than once per request and process,
/// and a revocation in one process takes effect in all of them at once.
///
/// Keys: `<prefix><hex of the token hash>`, holding the credential and its user as JSON, with
/// the entry's lifetime as the key's expiry. Neither the secret nor the user's password hash is
/// stored (a cached user's `passwordHash` is empty: ask the store before checking a password).
public struct RedisSessionCache: SessionCache {
    private let client: RedisClient
    private let prefix: String
    private let logger: Logger

    /// The prefix names the entry's format: entries written by an older Footfall, which did not
    /// keep a token's camera, are never read as this one's.
    public init(client: RedisClient, prefix: String = "footfall:session:v2:", logger: Logger) {
        self.client = client
        self.prefix = prefix
        self.logger = logger
    }

    private func key(_ hash: [UInt8]) -> String {
        prefix + hash.map { String(format: "%02x", $0) }.joined()
    }

    public func get(tokenHash: [UInt8]) async -> (credential: Credential, user: User)? {
        do {
            guard let json = try await client.send(["GET", key(tokenHash)]).string else { return nil }
            let entry = try JSONDecoder().decode(Entry.self, from: Data(json.utf8))
            return (entry.credential, entry.user)
        } catch {
            // A cache that cannot answer is only slower: the store is asked instead.
            logger.warning("sessions.cache_read_failed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    public func put(tokenHash: [UInt8], credential: Credential, user: User, lifetime: Duration) async {
        do {
            let json = String(decoding: try JSONEncoder().encode(Entry(credential: credential, user: user)), as: UTF8.self)
            _ = try await client.send(["SET", key(tokenHash), json, "PX", String(max(1, lifetime.inMilliseconds))])
        } catch {
            logger.warning("sessions.cache_write_failed", metadata: ["error": "\(error)"])
        }
    }

    public func remove(tokenHashes: [[UInt8]]) async {
        guard !tokenHashes.isEmpty else { return }
        do {
            _ = try await client.send(RedisCommand(["DEL"] + tokenHashes.map(key)))
        } catch {
            logger.warning("sessions.cache_remove_failed", metadata: ["error": "\(error)"])
        }
    }

    /// The cached pair, as JSON.
    private struct Entry: Codable {
        var credential: Credential
        var user: User

        enum CodingKeys: String, CodingKey {
            case credentialID, tenantID, userID, kind, name, tokenHash, created, expires, cameraID
            case username, role, sites, userCreated
        }

        init(credential: Credential, user: User) {
            self.credential = credential
            self.user = user
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let tenantID = try c.decode(UUID.self, forKey: .tenantID)
            let userID = try c.decode(UUID.self, forKey: .userID)
            credential = Credential(id: try c.decode(UUID.self, forKey: .credentialID), tenantID: tenantID, userID: userID,
                                    kind: try c.decode(Credential.Kind.self, forKey: .kind),
                                    name: try c.decodeIfPresent(String.self, forKey: .name),
                                    tokenHash: try c.decode([UInt8].self, forKey: .tokenHash),
                                    created: try c.decode(Date.self, forKey: .created),
                                    expires: try c.decodeIfPresent(Date.self, forKey: .expires),
                                    cameraID: try c.decodeIfPresent(String.self, forKey: .cameraID))
            user = User(id: userID, tenantID: tenantID, username: try c.decode(String.self, forKey: .username),
                        passwordHash: "", role: try c.decode(Role.self, forKey: .role),
                        sites: try c.decode([String].self, forKey: .sites), created: try c.decode(Date.self, forKey: .userCreated))
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(credential.id, forKey: .credentialID)
            try c.encode(credential.tenantID, forKey: .tenantID)
            try c.encode(credential.userID, forKey: .userID)
            try c.encode(credential.kind, forKey: .kind)
            try c.encodeIfPresent(credential.name, forKey: .name)
            try c.encode(credential.tokenHash, forKey: .tokenHash)
            try c.encode(credential.created, forKey: .created)
            try c.encodeIfPresent(credential.expires, forKey: .expires)
            try c.encodeIfPresent(credential.cameraID, forKey: .cameraID)
            try c.encode(user.username, forKey: .username)
            try c.encode(user.role, forKey: .role)
            try c.encode(user.sites, forKey: .sites)
            try c.encode(user.created, forKey: .userCreated)
        }
    }
}
