/// Where workers announce themselves and find each other, so that they share the cameras
/// evenly and the API can show who counts what.
public protocol WorkerRegistry: Sendable {
    /// Records `status` under its name for `ttl`, replacing the worker's previous announcement.
    func announce(_ status: WorkerStatus, ttl: Duration) async throws
    /// Removes a worker's announcement at once (it is shutting down).
    func withdraw(name: String) async throws
    /// Every worker whose announcement has not expired, by name.
    func workers() async throws -> [WorkerStatus]
}
