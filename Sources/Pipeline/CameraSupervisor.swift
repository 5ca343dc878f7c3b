import Logging
import ServiceLifecycle

/// Runs every camera pipeline and restarts one that fails (or whose live stream ends), with
/// exponential backoff and jitter, without touching the others.
public struct CameraSupervisor: Service {
    public let pipelines: [CameraPipeline]
    private let logger: Logger
    private let initialDelay: Duration
    private let maximumDelay: Duration

    public init(pipelines: [CameraPipeline], logger: Logger, initialDelay: Duration = .seconds(1),
                maximumDelay: Duration = .seconds(30)) {
        self.pipelines = pipelines
        self.logger = logger
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for pipeline in pipelines {
                group.addTask { await supervise(pipeline) }
            }
        }
    }

    private func supervise(_ pipeline: CameraPipeline) async {
        var delay = initialDelay
        let clock = ContinuousClock()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let started = clock.now
            do {
                try await pipeline.run()
                guard pipeline.configuration.restartWhenEnded else { return }
                logger.info("camera.stream_ended", metadata: ["camera.id": "\(pipeline.camera.id)"])
                delay = initialDelay
            } catch {
                // A camera that ran for a while before failing starts again from a short wait.
                if started.duration(to: clock.now) > .seconds(60) { delay = initialDelay }
                guard !Task.isCancelled && !Task.isShuttingDownGracefully else { return }
                logger.warning("camera.restarting", metadata: [
                    "camera.id": "\(pipeline.camera.id)", "error": "\(error)", "delay": "\(delay)",
                ])
            }
            // Jitter: cameras that failed together (a switch rebooted) do not all retry in step.
            let wait = delay * Double.random(in: 0.8...1.2)
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                return
            }
            delay = min(delay * 2, maximumDelay)
        }
    }
}
