import CountingCore
import Foundation
import Messaging
import Storage
import Testing
@testable import Alerting

/// The lifecycle, step by step on a made-up clock: fire after the hold, once; resolve after the
/// clear time; no flapping at a threshold.
struct AlertEvaluatorTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    let door = Camera(id: "door", name: "Door", source: "external", geometry: Geometry(
        lines: [CountingLine(name: "entrance", a: Point(x: 0, y: 0), b: Point(x: 10, y: 0))],
        zones: [Zone(name: "queue", polygon: [Point(x: 0, y: 0), Point(x: 5, y: 0), Point(x: 0, y: 5)])]),
        siteID: "shop")
    let yard = Camera(id: "yard", name: "Yard", source: "external", geometry: Geometry(
        lines: [CountingLine(name: "gate", a: Point(x: 0, y: 0), b: Point(x: 10, y: 0))]), siteID: "shop")
    let shop = Site(id: "shop", name: "Shop")

    func state(_ camera: String, _ status: CameraStatus = .online, at seconds: Double, queue: Int = 0,
               lines: [CameraLiveState.LineTotals] = []) -> CameraLiveState {
        CameraLiveState(cameraID: camera, status: status, updated: Self.t0.addingTimeInterval(seconds), lines: lines,
                        zones: [.init(name: "queue", occupancy: queue)])
    }

    func inputs(at seconds: Double, _ states: [CameraLiveState], cameras: [Camera]? = nil) -> AlertInputs {
        AlertInputs(now: Self.t0.addingTimeInterval(seconds), cameras: cameras ?? [door, yard], sites: [shop],
                    states: Dictionary(uniqueKeysWithValues: states.map { ($0.cameraID, $0) }))
    }

    /// Steps the evaluator and confirms every action as a store would.
    func step(_ evaluator: inout AlertEvaluator, _ rules: [AlertRule], _ inputs: AlertInputs) -> [AlertEvaluator.Action] {
        let actions = evaluator.step(rules: rules, inputs: inputs)
        for action in actions {
            switch action {
            case .fire(let alert): evaluator.opened(alert)
            case .resolve(let alert, _): evaluator.resolved(alert)
            }
        }
        return actions
    }

    func fired(_ actions: [AlertEvaluator.Action]) -> [String] {
        actions.compactMap { if case .fire(let alert) = $0 { alert.subject } else { nil } }
    }

    func resolved(_ actions: [AlertEvaluator.Action]) -> [String] {
        actions.compactMap { if case .resolve(let alert, _) = $0 { alert.subject } else { nil } }
    }

    @Test func aDownCameraFiresOnceAfterItsHoldAndResolvesAfterItsClearTime() {
        let rule = AlertRule(name: "down", kind: .cameraDown, cameraID: "door", holdSeconds: 60, clearSeconds: 30)
        var evaluator = AlertEvaluator()
        #expect(step(&evaluator, [rule], inputs(at: 0, [state("door", at: 0)])).isEmpty)
        #expect(step(&evaluator, [rule], inputs(at: 10, [state("door", .stalled, at: 5)])).isEmpty)
        #expect(step(&evaluator, [rule], inputs(at: 69, [state("door", .stalled, at: 5)])).isEmpty)
        let fire = step(&evaluator, [rule], inputs(at: 70, [state("door", .stalled, at: 5)]))
        #expect(fired(fire) == ["camera:door"])
        guard case .fire(let alert) = fire.first else { return }
        #expect(alert.message == "Camera Door is stalled" && alert.cameraID == "door" && alert.siteID == "shop")
        #expect(alert.severity == .warning && alert.firedAt == Self.t0.addingTimeInterval(70))
        // Still down: nothing more.
        #expect(step(&evaluator, [rule], inputs(at: 500, [state("door", .offline, at: 5)])).isEmpty)
        // Back, but only for 29 s: still open.
        #expect(step(&evaluator, [rule], inputs(at: 501, [state("door", at: 501)])).isEmpty)
        #expect(step(&evaluator, [rule], inputs(at: 530, [state("door", at: 530)])).isEmpty)
        #expect(resolved(step(&evaluator, [rule], inputs(at: 531, [state("door", at: 531)]))) == ["camera:door"])
        #expect(evaluator.openAlerts.isEmpty)
    }

    @Test func aSilentOrMissingPipelineIsDownEvenWhenItsLastWordWasOnline() {
        let rule = AlertRule(name: "down", kind: .cameraDown, holdSeconds: 0, clearSeconds: 0)
        var evaluator = AlertEvaluator()
        // door said online 31 s ago and nothing since; yard has no state at all.
        let actions = step(&evaluator, [rule], inputs(at: 31, [state("door", at: 0)]))
        #expect(Set(fired(actions)) == ["camera:door", "camera:yard"])
        #expect(actions.contains { if case .fire(let alert) = $0 { alert.message == "Camera Door has sent no frame for 31 s" } else { false } })
        // A disabled camera is not watched: its alert resolves at once.
        var disabled = yard
        disabled.enabled = false
        #expect(Set(resolved(step(&evaluator, [rule], inputs(at: 32, [state("door", at: 32)], cameras: [door, disabled]))))
                == ["camera:yard", "camera:door"])
    }

    @Test func zoneOccupancyHoveringAtItsCapacityFiresOnceAndDoesNotFlap() {
        let rule = AlertRule(name: "queue", kind: .zoneOccupancy, severity: .critical, cameraID: "door", zone: "queue",
                             threshold: 10, holdSeconds: 20, clearSeconds: 20)
        var evaluator = AlertEvaluator()
        var all: [AlertEvaluator.Action] = []
        // 10, 11, 10, 11 …: each breach lasts 5 s, shorter than the hold: nothing fires.
        for second in stride(from: 0.0, to: 120, by: 1) {
            let queue = Int(second / 5) % 2 == 1 ? 10 : 11
            all += step(&evaluator, [rule], inputs(at: second, [state("door", at: second, queue: queue)]))
        }
        #expect(all.isEmpty)
        // 11 to 12 for good: fires once, 20 s after it started.
        for second in stride(from: 120.0, to: 200, by: 1) {
            let actions = step(&evaluator, [rule], inputs(at: second, [state("door", at: second, queue: 11 + Int(second) % 2)]))
            if !actions.isEmpty { #expect(second == 140) }
            all += actions
        }
        #expect(fired(all) == ["camera:door/zone:queue"])
        // Back at 10 and 9 in turn: 10 is the capacity, not below the clearing level (9): it stays open.
        for second in stride(from: 200.0, to: 400, by: 1) {
            all += step(&evaluator, [rule], inputs(at: second, [state("door", at: second, queue: 9 + Int(second) % 2)]))
        }
        #expect(resolved(all).isEmpty)
        // At 9 for 20 s: resolved, once.
        for second in stride(from: 400.0, to: 430, by: 1) {
            all += step(&evaluator, [rule], inputs(at: second, [state("door", at: second, queue: 9)]))
        }
        #expect(fired(all).count == 1 && resolved(all) == ["camera:door/zone:queue"])
        guard case .fire(let alert) = all.first else { return }
        #expect(alert.value == 12 || alert.value == 11)
        #expect(alert.severity == .critical)
    }

    @Test func anUnknownOccupancyNeitherFiresNorResolves() {
        let rule = AlertRule(name: "queue", kind: .zoneOccupancy, cameraID: "door", threshold: 2, holdSeconds: 0, clearSeconds: 0)
        var evaluator = AlertEvaluator()
        #expect(fired(step(&evaluator, [rule], inputs(at: 0, [state("door", at: 0, queue: 5)]))) == ["camera:door/zone:queue"])
        #expect(step(&evaluator, [rule], inputs(at: 1, [state("door", .stalled, at: 0, queue: 0)])).isEmpty)
        #expect(step(&evaluator, [rule], inputs(at: 2, [])).isEmpty)
        #expect(resolved(step(&evaluator, [rule], inputs(at: 3, [state("door", at: 3, queue: 1)]))) == ["camera:door/zone:queue"])
    }

    @Test func siteOccupancyAddsInMinusOutAcrossItsEntrances() {
        let all = AlertRule(name: "shop", kind: .siteOccupancy, siteID: "shop", threshold: 100, holdSeconds: 0, clearSeconds: 0)
        var onlyDoor = all
        onlyDoor.id = UUID()
        onlyDoor.lines = ["door/entrance"]
        var evaluator = AlertEvaluator()
        let states = [
            state("door", at: 0, lines: [.init(name: "entrance", countIn: 90, countOut: 10)]),
            state("yard", at: 0, lines: [.init(name: "gate", countIn: 40, countOut: 15)]),
        ]
        let actions = step(&evaluator, [all, onlyDoor], inputs(at: 0, states))
        // All lines: 80 + 25 = 105 > 100; the door alone: 80.
        #expect(actions.count == 1)
        guard case .fire(let alert) = actions.first else { Issue.record("nothing fired"); return }
        #expect(alert.ruleID == all.id && alert.subject == "site:shop" && alert.value == 105 && alert.cameraID == nil)
        #expect(alert.message == "105 people in Shop (capacity 100)")
        // A missing entrance camera makes the figure unknown: the alert stays.
        #expect(step(&evaluator, [all, onlyDoor], inputs(at: 1, [states[0]])).isEmpty)
    }

    @Test func aDeletedOrDisabledRuleResolvesItsAlertsAndARestartFiresNothingTwice() {
        let rule = AlertRule(name: "down", kind: .cameraDown, cameraID: "door", holdSeconds: 0, clearSeconds: 0)
        var evaluator = AlertEvaluator()
        let actions = step(&evaluator, [rule], inputs(at: 0, []))
        guard case .fire(let alert) = actions.first else { Issue.record("nothing fired"); return }
        // A new evaluator that starts from the store's open alerts does not fire again.
        var restarted = AlertEvaluator(open: [alert])
        #expect(step(&restarted, [rule], inputs(at: 1, [])).isEmpty)
        var disabled = rule
        disabled.enabled = false
        #expect(resolved(step(&restarted, [disabled], inputs(at: 2, []))) == ["camera:door"])
        #expect(step(&restarted, [disabled], inputs(at: 3, [])).isEmpty)
        #expect(resolved(step(&evaluator, [], inputs(at: 2, []))) == ["camera:door"])
    }

    @Test func anActionNotConfirmedIsAskedForAgain() {
        let rule = AlertRule(name: "down", kind: .cameraDown, cameraID: "door", holdSeconds: 10, clearSeconds: 0)
        var evaluator = AlertEvaluator()
        _ = evaluator.step(rules: [rule], inputs: inputs(at: 0, []))
        // The store was down: the fire is not confirmed, so it is asked for again.
        #expect(fired(evaluator.step(rules: [rule], inputs: inputs(at: 10, []))) == ["camera:door"])
        #expect(fired(step(&evaluator, [rule], inputs(at: 11, []))) == ["camera:door"])
        #expect(evaluator.step(rules: [rule], inputs: inputs(at: 12, [])).isEmpty)
    }
}

extension AlertEvaluatorTests {
    @Test func droppedFramesFireAboveTheShareAndClearWellBelowIt() {
        let rule = AlertRule(name: "slow", kind: .droppedFrames, cameraID: "door", threshold: 0.2, holdSeconds: 10, clearSeconds: 10)
        var evaluator = AlertEvaluator()
        func dropping(_ share: Double?, at seconds: Double, _ status: CameraStatus = .online) -> AlertInputs {
            var live = state("door", status, at: seconds)
            live.droppedFraction = share
            return inputs(at: seconds, [live])
        }
        #expect(step(&evaluator, [rule], dropping(nil, at: 0)).isEmpty)
        #expect(step(&evaluator, [rule], dropping(0.35, at: 1)).isEmpty)
        let fire = step(&evaluator, [rule], dropping(0.4, at: 11))
        #expect(fired(fire) == ["camera:door/frames"])
        guard case .fire(let alert) = fire.first else { return }
        #expect(alert.value == 0.4 && alert.message.hasPrefix("40 % of the frames of Door are dropped (limit 20 %)"))
        // 19 % is under the limit but not under the clearing level (18 %): still open.
        #expect(step(&evaluator, [rule], dropping(0.19, at: 12)).isEmpty)
        #expect(step(&evaluator, [rule], dropping(0.19, at: 40)).isEmpty)
        // A stalled camera says nothing about its drops either way.
        #expect(step(&evaluator, [rule], dropping(0.0, at: 41, .stalled)).isEmpty)
        #expect(step(&evaluator, [rule], dropping(0.05, at: 42)).isEmpty)
        #expect(resolved(step(&evaluator, [rule], dropping(0.05, at: 52))) == ["camera:door/frames"])
    }
}

extension AlertEvaluatorTests {
    @Test func aSiteWhoseEntranceCameraIsDownOrSilentHasNoKnownOccupancy() {
        let rule = AlertRule(name: "shop", kind: .siteOccupancy, siteID: "shop", threshold: 10, holdSeconds: 0, clearSeconds: 0)
        var evaluator = AlertEvaluator()
        let busy = [state("door", at: 0, lines: [.init(name: "entrance", countIn: 50, countOut: 0)]),
                    state("yard", at: 0, lines: [.init(name: "gate", countIn: 0, countOut: 0)])]
        #expect(fired(step(&evaluator, [rule], inputs(at: 0, busy))) == ["site:shop"])
        // Frozen totals that would clear it: a stalled camera, then one silent for more than 30 s.
        var stalled = busy
        stalled[0] = state("door", .stalled, at: 1, lines: [.init(name: "entrance", countIn: 50, countOut: 50)])
        #expect(step(&evaluator, [rule], inputs(at: 1, stalled)).isEmpty)
        var silent = busy
        silent[0] = state("door", at: 1, lines: [.init(name: "entrance", countIn: 50, countOut: 50)])
        silent[1] = state("yard", at: 40)
        #expect(step(&evaluator, [rule], inputs(at: 40, silent)).isEmpty)
        silent[0].updated = Self.t0.addingTimeInterval(40)
        #expect(resolved(step(&evaluator, [rule], inputs(at: 40, silent))) == ["site:shop"])
    }

    @Test func syncingWithTheStoreLearnsAlertsOpenedAndForgetsThoseResolvedElsewhere() {
        let rule = AlertRule(name: "down", kind: .cameraDown, cameraID: "door", holdSeconds: 0, clearSeconds: 0)
        var evaluator = AlertEvaluator()
        guard case .fire(let first) = step(&evaluator, [rule], inputs(at: 0, [])).first else { Issue.record("nothing fired"); return }
        // Another process resolved it and opened a new one for the same subject.
        var second = first
        second.id = UUID()
        evaluator.sync(open: [second])
        #expect(evaluator.openAlerts.map(\.id) == [second.id])
        guard case .resolve(let alert, _) = step(&evaluator, [rule], inputs(at: 1, [state("door", at: 1)])).first else {
            Issue.record("nothing resolved"); return
        }
        #expect(alert.id == second.id)
    }
}
