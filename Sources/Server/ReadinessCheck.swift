import FootfallSupport
import Logging

/// One dependency that `/readyz` checks: a quick call that throws when the dependency cannot be
/// reached (the store, Redis, RabbitMQ).
public struct ReadinessCheck: Sendable {
    /// A short name for the answer and the logs, such as `store`.
    public var name: String
    public var check: @Sendable () async throws -> Void

    public init(name: String, check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.check = check
    }

    /// Runs every check at once, each bounded by `timeout`. Each result is nil when the
    /// dependency answered, else a short reason; the error itself is logged, not returned,
    /// since it may name hosts.
    public static func run(_ checks: [ReadinessCheck], timeout: Duration, logger: Logger) async
        -> [(name: String, failure: String?)]
    {
        await withTaskGroup(of: (Int, String?).self) { group in
            for (index, readiness) in checks.enumerated() {
                group.addTask {
                    do {
                        try await withTimeout(timeout, clock: ContinuousClock()) { try await readiness.check() }
                        return (index, nil)
                    } catch is TimeoutError {
                        logger.warning("health.dependency_slow", metadata: ["dependency": "\(readiness.name)"])
                        return (index, "timed out")
                    } catch {
                        logger.warning("health.dependency_unreachable",
                                       metadata: ["dependency": "\(readiness.name)", "error": "\(error)"])
                        return (index, "unreachable")
                    }
                }
            }
            var results = checks.map { (name: $0.name, failure: String?.none) }
            for await (index, failure) in group { results[index].failure = failure }
            return results
        }
    }
}
