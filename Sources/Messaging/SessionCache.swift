import Foundation
import Storage

/// Recently checked credentials, so that an authenticated request need not ask the store.
///
/// Entries live for a short time and are dropped when a credential is revoked; a revocation
/// therefore takes effect at once in the process that made it and within the entry's lifetime
/// (or at once, with a shared cache) in the others.
public protocol SessionCache: Sendable {
    /// The cached credential and user for a token hash, if still fresh.
    func get(tokenHash: [UInt8]) async -> (credential: Credential, user: User)?
    /// Remembers a checked credential for `lifetime` (never past its own expiry).
    func put(tokenHash: [UInt8], credential: Credential, user: User, lifetime: Duration) async
    /// Forgets credentials, after a logout or revocation.
    func remove(tokenHashes: [[UInt8]]) async
}
