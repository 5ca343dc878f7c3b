import Foundation
import Storage

/// The alert lifecycle of one tenant as a state machine: given the rules and what was seen,
/// it says which alerts to open and which to resolve, once each.
///
/// A condition must hold for the rule's `holdSeconds` before its alert fires, and be clear for
/// its `clearSeconds` before the alert resolves; a reading that is neither (unknown, or between
/// the firing and the clearing level) restarts neither wait. So a signal that hovers at its
/// threshold fires at most once and does not flap. Actions are intentions: the monitor stores
/// them and confirms with `opened` and `resolved`; one not confirmed is asked for again on the
/// next step, so a store that is briefly down loses nothing.
public struct AlertEvaluator: Sendable {
    /// What to do with the store.
    public enum Action: Hashable, Sendable {
        /// Open this alert (the store keeps one open per rule and subject).
        case fire(Alert)
        /// Resolve this open alert, for the reason given.
        case resolve(Alert, reason: String)
    }

    struct Key: Hashable {
        var ruleID: UUID
        var subject: String
    }

    /// Since when each subject's condition has held without a break, for subjects not yet open.
    private var breachedSince: [Key: Date] = [:]
    /// Since when each open alert's condition has been clear without a break.
    private var clearSince: [Key: Date] = [:]
    /// The open alerts, as stored.
    private var open: [Key: Alert] = [:]

    /// Starts from the alerts the store holds open (after a restart, nothing fires twice).
    public init(open alerts: [Alert] = []) {
        sync(open: alerts)
    }

    /// Takes the store's open alerts as the truth (others may have opened or resolved some):
    /// open alerts it no longer holds are forgotten, new ones learnt; waits under way are kept.
    public mutating func sync(open alerts: [Alert]) {
        var fresh: [Key: Alert] = [:]
        for alert in alerts where alert.resolvedAt == nil {
            guard let ruleID = alert.ruleID else { continue }
            fresh[Key(ruleID: ruleID, subject: alert.subject)] = alert
        }
        clearSince = clearSince.filter { fresh[$0.key] != nil }
        breachedSince = breachedSince.filter { fresh[$0.key] == nil }
        open = fresh
    }

    /// The open alerts this evaluator knows of.
    public var openAlerts: [Alert] { Array(open.values) }

    /// One round: what to open and resolve, given the rules and what was seen at `inputs.now`.
    public mutating func step(rules: [AlertRule], inputs: AlertInputs) -> [Action] {
        let now = inputs.now
        var actions: [Action] = []
        var seen: Set<Key> = []
        for rule in rules where rule.enabled {
            for reading in AlertReading.readings(rule, inputs) {
                let key = Key(ruleID: rule.id, subject: reading.subject)
                seen.insert(key)
                if let alert = open[key] {
                    breachedSince[key] = nil
                    if reading.cleared {
                        let since = clearSince[key] ?? now
                        clearSince[key] = since
                        if now.timeIntervalSince(since) >= rule.clearSeconds {
                            actions.append(.resolve(alert, reason: reading.message))
                        }
                    } else {
                        clearSince[key] = nil
                    }
                } else {
                    clearSince[key] = nil
                    guard reading.breached else {
                        breachedSince[key] = nil
                        continue
                    }
                    let since = breachedSince[key] ?? now
                    breachedSince[key] = since
                    if now.timeIntervalSince(since) >= rule.holdSeconds {
                        actions.append(.fire(Alert(
                            ruleID: rule.id, kind: rule.kind, severity: rule.severity, subject: reading.subject,
                            cameraID: reading.cameraID, siteID: reading.siteID, message: reading.message, value: reading.value,
                            firedAt: now)))
                    }
                }
            }
        }
        // A rule deleted or disabled, or a subject gone (camera removed or disabled, zone
        // deleted): its alerts resolve at once, and nothing waits to fire for it.
        for (key, alert) in open where !seen.contains(key) {
            actions.append(.resolve(alert, reason: "no longer watched"))
        }
        breachedSince = breachedSince.filter { seen.contains($0.key) }
        clearSince = clearSince.filter { seen.contains($0.key) }
        return actions
    }

    /// The store holds `alert` open (newly, or from before).
    public mutating func opened(_ alert: Alert) {
        guard let ruleID = alert.ruleID else { return }
        let key = Key(ruleID: ruleID, subject: alert.subject)
        open[key] = alert
        breachedSince[key] = nil
    }

    /// The alert is resolved (or was already): it is forgotten.
    public mutating func resolved(_ alert: Alert) {
        for (key, known) in open where known.id == alert.id {
            open[key] = nil
            clearSince[key] = nil
        }
    }
}
