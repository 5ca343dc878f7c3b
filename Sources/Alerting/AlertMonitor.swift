import FootfallSupport
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Storage

/// Watches every tenant's alert rules: every `interval` it reads the rules, cameras and live
/// states, steps each tenant's `AlertEvaluator`, stores what fires and resolves, and publishes
/// each change live (and to `deliveries`, for webhooks and e-mail).
///
/// Several monitors (one per API process) may run at once: the store keeps one open alert per
/// rule and subject, and only the monitor whose insert opened it publishes it.
public actor AlertMonitor: Service {
    private let store: any FootfallStore
    private let live: any LiveStateStore
    private let bus: any EventBus
    private let deliveries: (any AlertDeliveryQueue)?
    private let clock: AnyClock
    private let wallClock: @Sendable () -> Date
    private let interval: Duration
    private let logger: Logger
    private var evaluators: [UUID: AlertEvaluator] = [:]

    public init(store: any FootfallStore, live: any LiveStateStore, bus: any EventBus, deliveries: (any AlertDeliveryQueue)? = nil,
                interval: Duration = .milliseconds(500), clock: any Clock<Duration> = ContinuousClock(),
                wallClock: @escaping @Sendable () -> Date = Date.init, logger: Logger) {
        self.store = store
        self.live = live
        self.bus = bus
        self.deliveries = deliveries
        self.interval = interval
        self.clock = AnyClock(clock)
        self.wallClock = wallClock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await evaluate()
            do {
                try await cancelWhenGracefulShutdown { try await self.clock.sleep(for: self.interval) }
            } catch {
                return
            }
        }
    }

    /// One round over every tenant, at the wall clock's time; returns the changes published.
    /// Failures are logged and the round goes on: what was not stored is asked for again next round.
    @discardableResult
    public func evaluate() async -> [LiveMessage.AlertChange] {
        let now = wallClock()
        let tenants: [Tenant]
        do {
            tenants = try await store.tenants()
        } catch {
            logger.error("alert.tenants_failed", metadata: ["error": "\(error)"])
            return []
        }
        let states = await live.states()
        let statesByCamera = Dictionary(states.map { ($0.cameraID, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [LiveMessage.AlertChange] = []
        for tenant in tenants {
            do {
                changes += try await evaluate(tenant: tenant.id, states: statesByCamera, now: now)
            } catch {
                logger.error("alert.evaluation_failed", metadata: ["tenant.id": "\(tenant.id)", "error": "\(error)"])
            }
        }
        return changes
    }

    private func evaluate(tenant: UUID, states: [String: CameraLiveState], now: Date) async throws -> [LiveMessage.AlertChange] {
        let scoped = store.scoped(to: tenant)
        var evaluator: AlertEvaluator
        if let known = evaluators[tenant] {
            evaluator = known
        } else {
            evaluator = AlertEvaluator(open: try await scoped.alerts(AlertQuery(openOnly: true, limit: 100_000)))
        }
        defer { evaluators[tenant] = evaluator }
        let rules = try await scoped.alertRules()
        if rules.isEmpty && evaluator.openAlerts.isEmpty { return [] }
        let inputs = AlertInputs(now: now, cameras: try await scoped.cameras(), sites: try await scoped.sites(), states: states)
        var changes: [LiveMessage.AlertChange] = []
        for action in evaluator.step(rules: rules, inputs: inputs) {
            switch action {
            case .fire(let alert):
                let (stored, created) = try await scoped.openAlert(alert)
                evaluator.opened(stored)
                guard created else { continue }
                logger.warning("alert.fired", metadata: [
                    "alert.id": "\(stored.id)", "rule.id": "\(stored.ruleID.map { "\($0)" } ?? "-")", "alert.subject": "\(stored.subject)",
                    "alert.severity": "\(stored.severity.rawValue)",
                ])
                changes.append(.init(tenantID: tenant, alert: stored, time: now))
            case .resolve(let alert, let reason):
                let resolved = try await scoped.resolveAlert(id: alert.id, at: now)
                evaluator.resolved(alert)
                guard let resolved else { continue }
                logger.info("alert.resolved", metadata: [
                    "alert.id": "\(resolved.id)", "alert.subject": "\(resolved.subject)", "alert.reason": "\(reason)",
                ])
                changes.append(.init(tenantID: tenant, alert: resolved, time: now))
            }
        }
        for change in changes {
            await bus.publish(.alert(change))
            if let deliveries {
                do {
                    try await deliveries.enqueue(change)
                } catch {
                    logger.error("alert.enqueue_failed", metadata: ["alert.id": "\(change.alert.id)", "error": "\(error)"])
                }
            }
        }
        return changes
    }
}
