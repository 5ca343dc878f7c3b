import Foundation
import Messaging
import Storage

/// One subject of a rule as measured now: whether its condition holds, whether it is clear,
/// or neither (unknown, or between the firing and the clearing level).
public struct AlertReading: Hashable, Sendable {
    public var subject: String
    public var cameraID: String?
    public var siteID: String?
    public var value: Double?
    /// The condition holds.
    public var breached: Bool
    /// The condition is clearly gone: a breach has dropped below the clearing level.
    public var cleared: Bool
    public var message: String

    /// A capacity alert clears only once the count is this share of the capacity or less, so a
    /// count hovering at the capacity does not open and close alerts in turn.
    public static let clearingShare = 0.9

    /// The readings of every subject `rule` covers, from `inputs`.
    public static func readings(_ rule: AlertRule, _ inputs: AlertInputs) -> [AlertReading] {
        switch rule.kind {
        case .cameraDown: cameraDown(rule, inputs)
        case .zoneOccupancy: zoneOccupancy(rule, inputs)
        case .siteOccupancy: siteOccupancy(rule, inputs)
        case .countAnomaly: countAnomaly(rule, inputs)
        case .droppedFrames: droppedFrames(rule, inputs)
        case .closingImbalance: closingImbalance(rule, inputs)
        }
    }

    /// Default robust deviations, weeks and volume of a count-anomaly rule.
    public static let anomalyDefaults = (threshold: 4.0, weeks: 4, minimumVolume: 20.0)

    private static func countAnomaly(_ rule: AlertRule, _ inputs: AlertInputs) -> [AlertReading] {
        inputs.cameras(for: rule).map { camera in
            let subject = "camera:\(camera.id)/footfall"
            guard let counts = inputs.hourly[.init(ruleID: rule.id, cameraID: camera.id)],
                  let anomaly = CountAnomaly(current: counts.current, history: counts.history)
            else {
                return AlertReading(subject: subject, cameraID: camera.id, siteID: camera.siteID, value: nil, breached: false,
                                    cleared: false, message: "Footfall at \(camera.name) has too little history to judge")
            }
            let anomalous = anomaly.isAnomalous(threshold: rule.threshold ?? anomalyDefaults.threshold,
                                                minimumVolume: rule.minimumVolume ?? anomalyDefaults.minimumVolume)
            let hour = counts.hour.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
            return AlertReading(
                subject: subject, cameraID: camera.id, siteID: camera.siteID, value: counts.current, breached: anomalous,
                cleared: !anomalous,
                message: "\(Int(counts.current)) people in at \(camera.name) in the hour from \(hour) UTC; usually \(Int(anomaly.median.rounded())) "
                    + "(median of \(counts.history.count) weeks), \(String(format: "%+.1f", anomaly.deviations)) deviations")
        }
    }

    private static func cameraDown(_ rule: AlertRule, _ inputs: AlertInputs) -> [AlertReading] {
        inputs.cameras(for: rule).map { camera in
            let state = inputs.states[camera.id]
            let problem: String?
            if let state {
                let age = state.updated.map { inputs.now.timeIntervalSince($0) }
                if state.status != .online {
                    problem = "is \(state.status.rawValue)"
                } else if age == nil || age! > AlertInputs.silentAfter {
                    problem = "has sent no frame for \(Int(age ?? AlertInputs.silentAfter)) s"
                } else {
                    problem = nil
                }
            } else {
                problem = "has no running pipeline"
            }
            return AlertReading(subject: "camera:\(camera.id)", cameraID: camera.id, siteID: camera.siteID, value: nil,
                                breached: problem != nil, cleared: problem == nil,
                                message: "Camera \(camera.name) \(problem ?? "is online")")
        }
    }

    private static func closingImbalance(_ rule: AlertRule, _ inputs: AlertInputs) -> [AlertReading] {
        guard let siteID = rule.siteID, let site = inputs.sites.first(where: { $0.id == siteID }) else { return [] }
        let subject = "site:\(siteID)/closing"
        guard let counts = inputs.closings[rule.id] else {
            return [AlertReading(subject: subject, cameraID: nil, siteID: siteID, value: nil, breached: false, cleared: false,
                                 message: "The day's counts of \(site.name) are not known yet")]
        }
        let larger = max(counts.countIn, counts.countOut)
        let difference = counts.countIn - counts.countOut
        let share = larger == 0 ? 0 : Double(abs(difference)) / Double(larger)
        let judged = Double(larger) >= (rule.minimumVolume ?? anomalyDefaults.minimumVolume)
        let date = site.calendar.dateComponents([.year, .month, .day], from: counts.day.start)
        let day = String(format: "%04d-%02d-%02d", date.year ?? 0, date.month ?? 0, date.day ?? 0)
        return [AlertReading(
            subject: subject, cameraID: nil, siteID: siteID, value: Double(difference),
            breached: judged && share > (rule.threshold ?? 1), cleared: !judged || share <= (rule.threshold ?? 1),
            message: "\(site.name) closed on \(day) with \(counts.countIn) in and \(counts.countOut) out: "
                + "\(abs(difference)) \(difference >= 0 ? "never seen leaving" : "more out than in") (\(Int((share * 100).rounded())) %)")]
    }

    private static func droppedFrames(_ rule: AlertRule, _ inputs: AlertInputs) -> [AlertReading] {
        let limit = rule.threshold ?? 1
        return inputs.cameras(for: rule).map { camera in
            let subject = "camera:\(camera.id)/frames"
            guard let state = inputs.states[camera.id], state.status == .online, let share = state.droppedFraction else {
                return AlertReading(subject: subject, cameraID: camera.id, siteID: camera.siteID, value: nil, breached: false,
                                    cleared: false, message: "Dropped frames of \(camera.name) are unknown")
            }
            return AlertReading(
                subject: subject, cameraID: camera.id, siteID: camera.siteID, value: share, breached: share > limit,
                cleared: share <= limit * clearingShare,
                message: "\(Int((share * 100).rounded())) % of the frames of \(camera.name) are dropped (limit \(Int((limit * 100).rounded())) %): "
                    + "analysis cannot keep up; lower its analysis rate or give its worker more room")
        }
    }

    private static func zoneOccupancy(_ rule: AlertRule, _ inputs: AlertInputs) -> [AlertReading] {
        let capacity = rule.threshold ?? 0
        return inputs.cameras(for: rule).flatMap { camera in
            camera.geometry.zones.filter { rule.zone == nil || $0.name == rule.zone }.map { zone in
                let subject = "camera:\(camera.id)/zone:\(zone.name)"
                guard let state = inputs.states[camera.id], state.status == .online,
                      let occupancy = state.zones.first(where: { $0.name == zone.name })?.occupancy
                else {
                    // Unknown: an open alert stays open until the camera says otherwise.
                    return AlertReading(subject: subject, cameraID: camera.id, siteID: camera.siteID, value: nil, breached: false,
                                        cleared: false, message: "Occupancy of \(zone.name) on \(camera.name) is unknown")
                }
                return capacityReading(subject: subject, cameraID: camera.id, siteID: camera.siteID, value: Double(occupancy),
                                       capacity: capacity, what: "\(zone.name) on \(camera.name)")
            }
        }
    }

    private static func siteOccupancy(_ rule: AlertRule, _ inputs: AlertInputs) -> [AlertReading] {
        guard let siteID = rule.siteID, let site = inputs.sites.first(where: { $0.id == siteID }) else { return [] }
        let cameras = inputs.cameras(for: rule)
        let wanted = Set(rule.lines)
        var occupancy = 0
        var known = true
        for camera in cameras {
            let lines = camera.geometry.lines.map(\.name).filter { wanted.isEmpty || wanted.contains("\(camera.id)/\($0)") }
            guard !lines.isEmpty else { continue }
            // A camera down or silent has totals that may be stale: the figure is unknown.
            guard let state = inputs.states[camera.id], state.status == .online,
                  let updated = state.updated, inputs.now.timeIntervalSince(updated) <= AlertInputs.silentAfter else {
                known = false
                continue
            }
            for total in state.lines where lines.contains(total.name) {
                occupancy += total.countIn - total.countOut
            }
        }
        let subject = "site:\(siteID)"
        guard known else {
            return [AlertReading(subject: subject, cameraID: nil, siteID: siteID, value: nil, breached: false, cleared: false,
                                 message: "Occupancy of \(site.name) is unknown: an entrance camera is not running")]
        }
        return [capacityReading(subject: subject, cameraID: nil, siteID: siteID, value: Double(max(0, occupancy)),
                                capacity: rule.threshold ?? 0, what: site.name)]
    }

    private static func capacityReading(subject: String, cameraID: String?, siteID: String?, value: Double, capacity: Double,
                                        what: String) -> AlertReading {
        AlertReading(subject: subject, cameraID: cameraID, siteID: siteID, value: value, breached: value > capacity,
                     cleared: value <= (capacity * clearingShare).rounded(.down),
                     message: "\(Int(value)) people in \(what) (capacity \(Int(capacity)))")
    }
}
