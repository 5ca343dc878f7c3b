import ServiceLifecycle

/// The loop of a service that works in rounds: runs `round` now and then every `interval` on
/// `clock`, until graceful shutdown or cancellation. A round that is running when shutdown
/// comes is finished; the wait between rounds is not.
public func runRounds(every interval: Duration, clock: some Clock<Duration>,
                      isolation: isolated (any Actor)? = #isolation, _ round: () async -> Void) async {
    while !Task.isCancelled && !Task.isShuttingDownGracefully {
        await round()
        do {
            try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
        } catch {
            return
        }
    }
}
