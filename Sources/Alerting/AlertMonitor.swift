import FootfallSupport
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Storage

/// Watches every tenant's alert rules: every `interval` it reads the rules, cameras and live
/// states, steps each tenant's `AlertEvaluator`, stores what fires and resolves, and publishes
/// each change live (and to `deliveries`, for the webhook).
///
/// Several monitors (one per API process) may run at once: the store keeps one open alert per
/// rule and subject, and only the monitor whose insert opened it publishes it.
public actor AlertMonitor: Service {
    private let store: any FootfallStore
    private let live: any LiveStateStore
    private let bus: any EventBus
    private let deliveries: (any WebhookQueue)?
    private let clock: AnyClock
    private let wallClock: @Sendable () -> Date
    private let interval: Duration
    private let logger: Logger
    private var evaluators: [UUID: AlertEvaluator] = [:]
    /// When each tenant's open alerts were last read from the store.
    private var synced: [UUID: Date] = [:]
    /// Changes the delivery queue has not taken yet, oldest first (at most `maximumUndelivered`).
    private var undelivered: [LiveMessage.AlertChange] = []
    /// The most changes kept for a queue that refuses them; beyond, the oldest are dropped (and logged).
    public static let maximumUndelivered = 10_000
    /// The hourly counts of count-anomaly rules, by tenant, kept until the hour changes.
    private var hourly: [UUID: [AlertInputs.HourlyKey: AlertInputs.HourlyCounts]] = [:]
    /// The day counts of closing-imbalance rules, by tenant and rule, kept until the next closing.
    private var closings: [UUID: [UUID: AlertInputs.ClosingCounts]] = [:]

    /// An hour is judged once it ended this long ago, so that its last minutes are stored.
    public static let hourSettling: TimeInterval = 120

    /// Keeps the camera's picture when an alert about a camera opens; nil keeps none.
    private let snapshots: SnapshotSaver?

    public init(store: any FootfallStore, live: any LiveStateStore, bus: any EventBus, deliveries: (any WebhookQueue)? = nil,
                snapshots: SnapshotSaver? = nil,
                interval: Duration = .milliseconds(500), clock: any Clock<Duration> = ContinuousClock(),
                wallClock: @escaping @Sendable () -> Date = Date.init, logger: Logger) {
        self.snapshots = snapshots
        self.store = store
        self.live = live
        self.bus = bus
        self.deliveries = deliveries
        self.interval = interval
        self.clock = AnyClock(clock)
        self.wallClock = wallClock
        self.logger = logger
    }

    /// Evaluates every `interval` until shutdown.
    public func run() async throws {
        await runRounds(every: interval, clock: clock) { await evaluate() }
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
        await retryUndelivered()
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
        if let known = evaluators[tenant], let synced = synced[tenant], now.timeIntervalSince(synced) < Self.resyncInterval {
            evaluator = known
        } else {
            // Other processes open and resolve alerts too: learn the store's open ones now and then.
            let open = try await scoped.alerts(AlertQuery(openOnly: true, limit: 100_000))
            evaluator = evaluators[tenant] ?? AlertEvaluator()
            evaluator.sync(open: open)
            synced[tenant] = now
        }
        defer { evaluators[tenant] = evaluator }
        let rules = try await scoped.alertRules()
        if rules.isEmpty && evaluator.openAlerts.isEmpty { return [] }
        var inputs = AlertInputs(now: now, cameras: try await scoped.cameras(), sites: try await scoped.sites(), states: states)
        inputs.hourly = try await hourlyCounts(tenant: tenant, store: scoped, rules: rules, inputs: inputs)
        inputs.closings = try await closingCounts(tenant: tenant, store: scoped, rules: rules, inputs: inputs)
        var changes: [LiveMessage.AlertChange] = []
        // Each action is stored, then announced at once: one that fails (its rule deleted a
        // moment ago, the store away) leaves the others done, and is asked for again next round.
        for action in evaluator.step(rules: rules, inputs: inputs) {
            do {
                switch action {
                case .fire(let alert):
                    let (stored, created) = try await scoped.openAlert(alert)
                    evaluator.opened(stored)
                    guard created else { continue }
                    logger.warning("alert.fired", metadata: [
                        "alert.id": "\(stored.id)", "rule.id": "\(stored.ruleID.map { "\($0)" } ?? "-")",
                        "alert.subject": "\(stored.subject)", "alert.severity": "\(stored.severity.rawValue)",
                    ])
                    changes.append(.init(tenantID: tenant, alert: stored, time: now))
                    if let snapshots, let cameraID = stored.cameraID, let camera = inputs.cameras.first(where: { $0.id == cameraID }) {
                        await keepSnapshot(of: camera, for: stored, saver: snapshots, tenant: tenant, store: scoped, now: now)
                    }
                case .resolve(let alert, let reason):
                    let resolved = try await scoped.resolveAlert(id: alert.id, at: now)
                    evaluator.resolved(alert)
                    guard let resolved else {
                        // Resolved elsewhere; another may be open for the same subject by now.
                        synced[tenant] = nil
                        continue
                    }
                    logger.info("alert.resolved", metadata: [
                        "alert.id": "\(resolved.id)", "alert.subject": "\(resolved.subject)", "alert.reason": "\(reason)",
                    ])
                    changes.append(.init(tenantID: tenant, alert: resolved, time: now))
                }
            } catch {
                logger.error("alert.store_failed", metadata: ["tenant.id": "\(tenant)", "error": "\(error)"])
                continue
            }
            await announce(changes[changes.count - 1])
        }
        return changes
    }

    /// Offers the changes the queue refused before, oldest first, until it refuses again.
    private func retryUndelivered() async {
        guard let deliveries else { return }
        while let next = undelivered.first {
            do {
                try await deliveries.enqueue(.alert(next))
                undelivered.removeFirst()
            } catch {
                return
            }
        }
    }

    /// How often each tenant's open alerts are read again from the store.
    public static let resyncInterval: TimeInterval = 60

    /// Publishes a change live and hands it to the delivery queue; a change the queue refuses
    /// (the broker away) waits here and is offered again before the next round's.
    private func announce(_ change: LiveMessage.AlertChange) async {
        await bus.publish(.alert(change))
        guard deliveries != nil else { return }
        let waiting = undelivered.count
        undelivered.append(change)
        if undelivered.count > Self.maximumUndelivered {
            let dropped = undelivered.removeFirst()
            logger.error("alert.delivery_dropped", metadata: ["alert.id": "\(dropped.alert.id)"])
        }
        if waiting == 0 { await retryUndelivered() }
        if !undelivered.isEmpty {
            logger.error("alert.enqueue_failed", metadata: ["alert.id": "\(change.alert.id)", "alert.waiting": "\(undelivered.count)"])
        }
    }

    /// For each count-anomaly rule and camera: the last settled hour's people in, and the same
    /// weekday and hour of the rule's weeks before, in the camera's site's time zone (so a
    /// week back across a change of daylight saving time is still the same local hour).
    private func hourlyCounts(tenant: UUID, store: any FootfallStore, rules: [AlertRule], inputs: AlertInputs) async throws
        -> [AlertInputs.HourlyKey: AlertInputs.HourlyCounts]
    {
        let anomalyRules = rules.filter { $0.enabled && $0.kind == .countAnomaly }
        guard !anomalyRules.isEmpty else {
            hourly[tenant] = nil
            return [:]
        }
        let settled = inputs.now.addingTimeInterval(-Self.hourSettling).timeIntervalSince1970
        let hour = Date(timeIntervalSince1970: (settled / 3_600).rounded(.down) * 3_600 - 3_600)
        let known = hourly[tenant] ?? [:]
        var counts: [AlertInputs.HourlyKey: AlertInputs.HourlyCounts] = [:]
        let zones = Dictionary(inputs.sites.map { ($0.id, $0.timeZone) }, uniquingKeysWith: { first, _ in first })
        for rule in anomalyRules {
            for camera in inputs.cameras(for: rule) {
                let key = AlertInputs.HourlyKey(ruleID: rule.id, cameraID: camera.id)
                if let cached = known[key], cached.hour == hour {
                    counts[key] = cached
                    continue
                }
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = camera.siteID.flatMap { zones[$0] }.flatMap(TimeZone.init(identifier:)) ?? .gmt
                let weeks = rule.weeks ?? AlertReading.anomalyDefaults.weeks
                let starts = [hour] + (1...weeks).compactMap { calendar.date(byAdding: .weekOfYear, value: -$0, to: hour) }
                let series = try await store.countSeries(cameraID: camera.id, from: starts.last ?? hour,
                                                         to: hour.addingTimeInterval(3_600), bucket: .hour)
                let lines = rule.lines.isEmpty
                    ? Set(series.lines.keys)
                    : Set(rule.lines.compactMap { $0.hasPrefix(camera.id + "/") ? String($0.dropFirst(camera.id.count + 1)) : nil })
                var byHour: [Date: Double] = [:]
                for (name, buckets) in series.lines where lines.contains(name) {
                    for bucket in buckets { byHour[bucket.start, default: 0] += Double(bucket.countIn) }
                }
                // Weeks before the camera's first count are not history: it was not counting yet.
                let first = byHour.keys.min() ?? hour
                let history = starts.dropFirst().filter { $0 >= first }.map { byHour[$0] ?? 0 }
                counts[key] = AlertInputs.HourlyCounts(hour: hour, current: byHour[hour] ?? 0, history: history)
            }
        }
        hourly[tenant] = counts
        return counts
    }

    /// For each closing-imbalance rule: the people in and out across the site's lines from the
    /// local midnight to the closing time of its last closing day (2 minutes after closing, so
    /// the last crossings are stored), read once per day.
    private func closingCounts(tenant: UUID, store: any FootfallStore, rules: [AlertRule], inputs: AlertInputs) async throws
        -> [UUID: AlertInputs.ClosingCounts]
    {
        var counts: [UUID: AlertInputs.ClosingCounts] = [:]
        for rule in rules where rule.enabled && rule.kind == .closingImbalance {
            guard let siteID = rule.siteID, let site = inputs.sites.first(where: { $0.id == siteID }),
                  let clock = rule.closingTime.flatMap(AlertRule.clock) else { continue }
            let day = SiteDay.lastClosing(before: inputs.now.addingTimeInterval(-Self.hourSettling), hour: clock.hour,
                                          minute: clock.minute, timeZone: TimeZone(identifier: site.timeZone) ?? .gmt)
            if let known = closings[tenant]?[rule.id], known.day == day {
                counts[rule.id] = known
                continue
            }
            let wanted = Set(rule.lines)
            var total = AlertInputs.ClosingCounts(day: day, countIn: 0, countOut: 0)
            for camera in inputs.cameras(for: rule) {
                for (line, totals) in try await store.crossingTotals(cameraID: camera.id, from: day.start, to: day.closing)
                where wanted.isEmpty || wanted.contains("\(camera.id)/\(line)") {
                    total.countIn += totals.countIn
                    total.countOut += totals.countOut
                }
            }
            counts[rule.id] = total
        }
        closings[tenant] = counts.isEmpty ? nil : counts
        return counts
    }

    /// Keeps the camera's picture of the moment an alert about it opened; a failure is logged
    /// and does not hold the alert up.
    private func keepSnapshot(of camera: Camera, for alert: Alert, saver: SnapshotSaver, tenant: UUID,
                              store: any FootfallStore, now: Date) async {
        do {
            if let file = try await saver.save(camera, tenantID: tenant, reason: "alert", in: store, now: now) {
                logger.info("alert.snapshot_kept", metadata: ["alert.id": "\(alert.id)", "file.id": "\(file.id)"])
            }
        } catch {
            logger.warning("alert.snapshot_failed", metadata: ["alert.id": "\(alert.id)", "error": "\(error)"])
        }
    }
}
