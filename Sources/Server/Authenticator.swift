import Crypto
import FootfallSupport
import Foundation
import HummingbirdBcrypt
import Messaging
import NIOPosix
import Storage
import Synchronization

/// Passwords, sessions and API tokens: signing in, checking a presented token, and the
/// first-run rule. Secrets are random 32-byte tokens shown once; only their SHA-256 is stored.
public struct Authenticator: Sendable {
    /// How sign-in and sessions behave.
    public struct Settings: Sendable, Hashable {
        /// How long a dashboard session lasts.
        public var sessionLifetime: Duration
        /// How long a checked credential is trusted without asking the store again.
        public var cacheLifetime: Duration
        /// bcrypt's work factor (log2 of its rounds): 12 in production, lower in tests.
        public var bcryptCost: UInt8
        /// Sign-in attempts allowed per username, and per client address, in `throttleWindow`.
        public var attemptsPerUser: Int
        public var attemptsPerAddress: Int
        public var throttleWindow: Duration

        public init(sessionLifetime: Duration = .seconds(12 * 3_600), cacheLifetime: Duration = .seconds(30),
                    bcryptCost: UInt8 = 12, attemptsPerUser: Int = 10, attemptsPerAddress: Int = 30,
                    throttleWindow: Duration = .seconds(15 * 60)) {
            self.sessionLifetime = sessionLifetime
            self.cacheLifetime = cacheLifetime
            self.bcryptCost = bcryptCost
            self.attemptsPerUser = attemptsPerUser
            self.attemptsPerAddress = attemptsPerAddress
            self.throttleWindow = throttleWindow
        }
    }

    let store: any FootfallStore
    let cache: any SessionCache
    let limiter: any RateLimiter
    let settings: Settings
    let now: @Sendable () -> Date
    /// Set once any user exists; a new installation has none (see `Identity.localSetup`).
    private let hasUsers = HasUsersFlag()
    private let decoy = DecoyHash()

    public init(store: any FootfallStore, cache: any SessionCache, limiter: any RateLimiter, settings: Settings = .init(),
                now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.cache = cache
        self.limiter = limiter
        self.settings = settings
        self.now = now
    }

    /// A new secret and its stored hash. The secret starts `ff_` so it is easy to recognise
    /// (and to search for in logs it should never appear in).
    public static func newToken() -> (secret: String, hash: [UInt8]) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = "ff_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return (secret, hash(secret))
    }

    /// The SHA-256 of a presented secret.
    public static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(secret.utf8)))
    }

    /// A bcrypt hash of `password`, computed off the cooperative pool (bcrypt is slow on purpose).
    public func hashPassword(_ password: String) async throws -> String {
        let cost = settings.bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Whether the installation has no user yet (then only this machine may use it).
    func isFirstRun() async -> Bool {
        if hasUsers.value { return false }
        guard let any = try? await store.hasUsers() else { return false }
        if any { hasUsers.set() }
        return !any
    }

    /// The user behind a presented secret, if it is a valid session or token.
    func identity(secret: String) async throws -> Identity? {
        try await identity(tokenHash: Self.hash(secret))
    }

    /// `identity` as it stands now, for connections that outlive the request that opened them:
    /// nil once its session or token is revoked or expired (or, for the first-run local setup,
    /// once a user exists), else the user's role and sites as they are now. A store that cannot
    /// answer leaves the identity as it was; the next check decides.
    func current(_ identity: Identity) async -> Identity? {
        guard let credential = identity.credential else { return await isFirstRun() ? identity : nil }
        do {
            return try await self.identity(tokenHash: credential.tokenHash)
        } catch {
            return identity
        }
    }

    private func identity(tokenHash hash: [UInt8]) async throws -> Identity? {
        let now = now()
        if let cached = await cache.get(tokenHash: hash) {
            return cached.credential.isValid(at: now) ? Identity(user: cached.user, credential: cached.credential) : nil
        }
        guard let found = try await store.authenticate(tokenHash: hash, at: now) else { return nil }
        await cache.put(tokenHash: hash, credential: found.credential, user: found.user, lifetime: settings.cacheLifetime)
        return Identity(user: found.user, credential: found.credential)
    }

    /// Signs in: checks the password, then stores and returns a new session. Throttled per
    /// username and per address; an unknown user costs the same time as a wrong password.
    func signIn(username: String, password: String, address: String?) async throws -> (secret: String, credential: Credential, user: User) {
        let window = settings.throttleWindow
        let userAllowed = (try? await limiter.allow(key: "login:user:\(username.lowercased())", limit: settings.attemptsPerUser,
                                                    window: window)) ?? true
        let addressAllowed = try await address.asyncMap {
            (try? await limiter.allow(key: "login:address:\($0)", limit: settings.attemptsPerAddress, window: window)) ?? true
        } ?? true
        guard userAllowed && addressAllowed else {
            throw APIError(.tooManyRequests, field: userAllowed ? nil : "username",
                           message: "too many sign-in attempts; wait \(Int(window.inSeconds / 60)) minutes and try again")
        }
        let user = try await store.user(username: username)
        let hash: String
        if let user { hash = user.passwordHash } else { hash = try await decoyHash() }
        let matches = try await verify(password, hash: hash)
        guard let user, matches else {
            throw APIError(.unauthorized, field: "password", message: "wrong username or password")
        }
        let token = Self.newToken()
        let created = now()
        let credential = Credential(tenantID: user.tenantID, userID: user.id, kind: .session, tokenHash: token.hash,
                                    created: created, expires: created.addingTimeInterval(settings.sessionLifetime.inSeconds))
        let audit = AuditEntry(time: created, userID: user.id, username: user.username, address: address,
                               action: "session.create", target: "user:\(user.username)")
        try await store.scoped(to: user.tenantID).createCredential(credential, audit: audit)
        hasUsers.set()
        return (token.secret, credential, user)
    }

    /// Forgets revoked credentials in this process's cache at once.
    func forget(_ hashes: [[UInt8]]) async {
        await cache.remove(tokenHashes: hashes)
    }

    /// A real bcrypt hash (at the configured cost) of a random password, so that checking an
    /// unknown user takes as long as checking a known one. Made once, when first needed.
    private func decoyHash() async throws -> String {
        if let hash = decoy.value { return hash }
        let hash = try await hashPassword(Self.newToken().secret)
        decoy.set(hash)
        return hash
    }
}

/// The decoy hash, once made.
private final class DecoyHash: Sendable {
    private let state = Mutex<String?>(nil)
    var value: String? { state.withLock { $0 } }
    func set(_ hash: String) { state.withLock { $0 = hash } }
}

/// Remembers, once seen, that users exist.
private final class HasUsersFlag: Sendable {
    private let state = Mutex(false)
    var value: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
