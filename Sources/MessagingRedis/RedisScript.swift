/// A Lua script, named by the SHA-1 of its source so ``RedisClient/eval(_:keys:arguments:)`` can
/// run it with `EVALSHA` and send the source only when Redis does not have it cached.
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// The lowercase hexadecimal SHA-1 of ``source``, as Redis computes it.
    public let sha1: String

    /// Creates a script and computes its digest.
    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hexDigest(source.utf8)
    }
}
