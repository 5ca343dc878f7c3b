import CountingCore
import FootfallSupport
/// Typed helpers for the commands Footfall uses; anything else goes through ``RedisClient/send(_:)-(RedisCommand)``.
extension RedisClient {
    /// When `SET` may write.
    public enum SetCondition: Sendable {
        /// Always (plain `SET`).
        case always
        /// Only if the key does not exist (`NX`).
        case ifNotExists
        /// Only if the key exists (`XX`).
        case ifExists
    }

    /// `GET`: the value as text, or `nil` if the key does not exist.
    public func get(_ key: String) async throws(RedisError) -> String? {
        try await send(RedisCommand(["GET", key])).string
    }

    /// `SET` with an optional expiry (whole seconds use `EX`, otherwise `PX`) and condition.
    /// Returns `false` when the condition prevented the write.
    @discardableResult
    public func set(_ key: String, to value: String, expiresIn expiry: Duration? = nil,
                    condition: SetCondition = .always) async throws(RedisError) -> Bool {
        var arguments = ["SET", key, value]
        if let expiry {
            let milliseconds = Self.milliseconds(expiry)
            guard milliseconds > 0 else { throw .invalidConfiguration(field: "expiresIn", reason: "must be positive") }
            if milliseconds % 1_000 == 0 {
                arguments += ["EX", String(milliseconds / 1_000)]
            } else {
                arguments += ["PX", String(milliseconds)]
            }
        }
        switch condition {
        case .always: break
        case .ifNotExists: arguments.append("NX")
        case .ifExists: arguments.append("XX")
        }
        return try await !send(RedisCommand(arguments)).isNull
    }

    /// `DEL`: the number of keys removed.
    @discardableResult
    public func del(_ keys: String...) async throws(RedisError) -> Int {
        try await integer(["DEL"] + keys)
    }

    /// `EXPIRE`: `true` if the key exists and now expires in `seconds`.
    @discardableResult
    public func expire(_ key: String, seconds: Int) async throws(RedisError) -> Bool {
        try await integer(["EXPIRE", key, String(seconds)]) == 1
    }

    /// `PEXPIRE`: `true` if the key exists and now expires in `milliseconds`.
    @discardableResult
    public func pexpire(_ key: String, milliseconds: Int) async throws(RedisError) -> Bool {
        try await integer(["PEXPIRE", key, String(milliseconds)]) == 1
    }

    /// `TTL`: seconds left; -1 if the key has no expiry, -2 if it does not exist.
    public func ttl(_ key: String) async throws(RedisError) -> Int {
        try await integer(["TTL", key])
    }

    /// `PTTL`: milliseconds left; -1 if the key has no expiry, -2 if it does not exist.
    public func pttl(_ key: String) async throws(RedisError) -> Int {
        try await integer(["PTTL", key])
    }

    /// `INCR`: the value after adding one.
    @discardableResult
    public func incr(_ key: String) async throws(RedisError) -> Int {
        try await integer(["INCR", key])
    }

    /// `INCRBY`: the value after adding `amount`.
    @discardableResult
    public func incrby(_ key: String, by amount: Int) async throws(RedisError) -> Int {
        try await integer(["INCRBY", key, String(amount)])
    }

    /// `HSET`: sets the fields; returns how many were new.
    @discardableResult
    public func hset(_ key: String, fields: [String: String]) async throws(RedisError) -> Int {
        var arguments = ["HSET", key]
        for (field, value) in fields.sorted(by: { $0.key < $1.key }) { arguments += [field, value] }
        return try await integer(arguments)
    }

    /// `HSET` of one field; returns `true` if the field was new.
    @discardableResult
    public func hset(_ key: String, field: String, to value: String) async throws(RedisError) -> Bool {
        try await integer(["HSET", key, field, value]) == 1
    }

    /// `HGET`: the field's value, or `nil` if the key or field does not exist.
    public func hget(_ key: String, field: String) async throws(RedisError) -> String? {
        try await send(RedisCommand(["HGET", key, field])).string
    }

    /// `HGETALL`: every field and value (empty if the key does not exist).
    public func hgetall(_ key: String) async throws(RedisError) -> [String: String] {
        let reply = try await send(RedisCommand(["HGETALL", key]))
        guard let fields = reply.stringDictionary else { throw .protocolViolation("HGETALL returned \(reply)") }
        return fields
    }

    /// `HINCRBY`: the field's value after adding `amount`.
    @discardableResult
    public func hincrby(_ key: String, field: String, by amount: Int) async throws(RedisError) -> Int {
        try await integer(["HINCRBY", key, field, String(amount)])
    }

    /// `ZADD`: adds or re-scores members; returns how many were new.
    @discardableResult
    public func zadd(_ key: String, _ members: [(score: Double, member: String)]) async throws(RedisError) -> Int {
        var arguments = ["ZADD", key]
        for (score, member) in members { arguments += [Self.score(score), member] }
        return try await integer(arguments)
    }

    /// `ZADD` of one member; returns `true` if it was new.
    @discardableResult
    public func zadd(_ key: String, score: Double, member: String) async throws(RedisError) -> Bool {
        try await zadd(key, [(score, member)]) == 1
    }

    /// `ZRANGEBYSCORE`: members with `minimum <= score <= maximum` (infinities allowed), lowest first,
    /// optionally skipping `offset` and returning at most `count`.
    public func zrangebyscore(_ key: String, minimum: Double, maximum: Double,
                              limit: (offset: Int, count: Int)? = nil) async throws(RedisError) -> [String] {
        var arguments = ["ZRANGEBYSCORE", key, Self.score(minimum), Self.score(maximum)]
        if let limit { arguments += ["LIMIT", String(limit.offset), String(limit.count)] }
        let reply = try await send(RedisCommand(arguments))
        guard let members = reply.array?.compactMap(\.string) else {
            throw .protocolViolation("ZRANGEBYSCORE returned \(reply)")
        }
        return members
    }

    /// `ZREM`: how many of the members were removed.
    @discardableResult
    public func zrem(_ key: String, _ members: String...) async throws(RedisError) -> Int {
        try await integer(["ZREM", key] + members)
    }

    /// `PUBLISH`: how many subscribers received the message.
    @discardableResult
    public func publish(_ message: String, to channel: String) async throws(RedisError) -> Int {
        try await integer(["PUBLISH", channel, message])
    }

    /// Runs a Lua script with `EVALSHA`, falling back to `EVAL` (which also caches it) when Redis
    /// answers `NOSCRIPT`. Returns the script's reply; a script error throws ``RedisError/server(_:)``.
    @discardableResult
    public func eval(_ script: RedisScript, keys: [String] = [], arguments: [String] = []) async throws(RedisError)
        -> RESPValue
    {
        let tail = [String(keys.count)] + keys + arguments
        do {
            return try await send(RedisCommand(["EVALSHA", script.sha1] + tail))
        } catch let error where error.serverErrorCode == "NOSCRIPT" {
            return try await send(RedisCommand(["EVAL", script.source] + tail))
        }
    }

    private func integer(_ arguments: [String]) async throws(RedisError) -> Int {
        let reply = try await send(RedisCommand(arguments))
        guard case .integer(let number) = reply else {
            throw .protocolViolation("\(arguments[0]) returned \(reply) instead of an integer")
        }
        return number
    }

    private static func score(_ value: Double) -> String {
        if value == .infinity { return "+inf" }
        if value == -.infinity { return "-inf" }
        return String(value)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.inMilliseconds
    }
}
