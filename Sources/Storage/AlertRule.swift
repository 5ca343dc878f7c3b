import Foundation

/// A condition Footfall watches for, and how loud it is when it holds.
///
/// A rule has a scope: one camera (`cameraID`), one site (`siteID`) or, with neither, every
/// camera of the tenant. It fires once its condition has held for `holdSeconds` and resolves
/// once the condition has been clear for `clearSeconds`, so a signal hovering at its threshold
/// neither fires on every wobble nor opens and closes alerts in a loop.
public struct AlertRule: Hashable, Sendable {
    /// What a rule watches.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// A camera is not online (stalled, offline, failed, still connecting, or silent).
        case cameraDown = "camera-down"
        /// A zone holds more than `threshold` people.
        case zoneOccupancy = "zone-occupancy"
        /// A site holds more than `threshold` people: in − out since the site's midnight across
        /// the lines of its cameras (or only the lines named in `lines`).
        case siteOccupancy = "site-occupancy"
        /// A camera's people in (across its lines, or the `lines` named) in the last whole hour
        /// lies more than `threshold` robust deviations from the same weekday and hour of the
        /// last `weeks` weeks (median and MAD), the larger of the two being at least `minimumVolume`.
        case countAnomaly = "count-anomaly"
        /// More than `threshold` (a share, 0…1) of a live camera's frames are dropped because
        /// analysis cannot keep up.
        case droppedFrames = "dropped-frames"
        /// At the site's `closingTime` (its own time zone), the day's people in and out across its
        /// entrance `lines` (or every line of its cameras) differ by more than `threshold` (a share
        /// of the larger, 0…1), with at least `minimumVolume` people: the counts of that day are
        /// not to be trusted (a line misplaced, a camera moved, a door not watched).
        case closingImbalance = "closing-imbalance"
    }

    public var id: UUID
    /// What operators call it ("Lobby full").
    public var name: String
    public var kind: Kind
    public var severity: AlertSeverity
    public var enabled: Bool
    /// The camera watched; nil for every camera of the site (or of the tenant).
    public var cameraID: String?
    /// The site watched (a `siteOccupancy` rule needs one).
    public var siteID: String?
    /// The zone of a `zoneOccupancy` rule; nil for every zone of the cameras in scope.
    public var zone: String?
    /// For `siteOccupancy`: the entrance lines, as `camera/line`; empty for every line of the site.
    public var lines: [String]
    /// The capacity in people, or for `countAnomaly` the robust deviations that count as an
    /// anomaly; unused by `cameraDown`.
    public var threshold: Double?
    /// For `countAnomaly`: the weeks of history compared with (3 to 12; default 4).
    public var weeks: Int?
    /// For `countAnomaly`: fewer people than this, now and usually, is never an anomaly (default 20).
    /// For `closingImbalance`: a day with fewer people than this is not judged (default 20).
    public var minimumVolume: Double?
    /// For `closingImbalance`: the site's closing time, `HH:mm` in its own time zone.
    public var closingTime: String?
    /// How long the condition must hold before the alert fires.
    public var holdSeconds: Double
    /// How long the condition must be clear before the alert resolves.
    public var clearSeconds: Double

    public init(id: UUID = UUID(), name: String, kind: Kind, severity: AlertSeverity = .warning, enabled: Bool = true,
                cameraID: String? = nil, siteID: String? = nil, zone: String? = nil, lines: [String] = [],
                threshold: Double? = nil, weeks: Int? = nil, minimumVolume: Double? = nil, closingTime: String? = nil,
                holdSeconds: Double = 60, clearSeconds: Double = 60) {
        self.id = id
        self.name = name
        self.kind = kind
        self.severity = severity
        self.enabled = enabled
        self.cameraID = cameraID
        self.siteID = siteID
        self.zone = zone
        self.lines = lines
        self.threshold = threshold
        self.weeks = weeks
        self.minimumVolume = minimumVolume
        self.closingTime = closingTime
        self.holdSeconds = holdSeconds
        self.clearSeconds = clearSeconds
    }

    /// The fields the database backends keep together as one JSON column.
    public struct Settings: Hashable, Sendable, Codable {
        public var zone: String?
        public var lines: [String]
        public var threshold: Double?
        public var weeks: Int?
        public var minimumVolume: Double?
        public var closingTime: String?
        public var holdSeconds: Double
        public var clearSeconds: Double
    }

    public var settings: Settings {
        Settings(zone: zone, lines: lines, threshold: threshold, weeks: weeks, minimumVolume: minimumVolume,
                 closingTime: closingTime, holdSeconds: holdSeconds, clearSeconds: clearSeconds)
    }

    public init(id: UUID, name: String, kind: Kind, severity: AlertSeverity, enabled: Bool, cameraID: String?,
                siteID: String?, settings: Settings) {
        self.init(id: id, name: name, kind: kind, severity: severity, enabled: enabled, cameraID: cameraID, siteID: siteID,
                  zone: settings.zone, lines: settings.lines, threshold: settings.threshold, weeks: settings.weeks,
                  minimumVolume: settings.minimumVolume, closingTime: settings.closingTime, holdSeconds: settings.holdSeconds,
                  clearSeconds: settings.clearSeconds)
    }

    /// Hours and minutes of an `HH:mm` time of day; nil if it is not one.
    public static func clock(_ text: String) -> (hour: Int, minute: Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        return (hour, minute)
    }

    /// Longest hold or clear time: a week.
    public static let maximumSeconds: Double = 7 * 24 * 3_600

    /// Checks the fields; the error names the first bad one.
    public func validate() throws(StorageError) {
        try Validation.name(name, field: "rule.name")
        if let cameraID { try Validation.identifier(cameraID, field: "rule.camera") }
        if let siteID { try Validation.identifier(siteID, field: "rule.site") }
        if let zone { try Validation.name(zone, field: "rule.zone") }
        for (field, seconds) in [("rule.holdSeconds", holdSeconds), ("rule.clearSeconds", clearSeconds)] {
            guard seconds.isFinite, seconds >= 0, seconds <= Self.maximumSeconds else {
                throw .invalidInput(field: field, reason: "give 0 to \(Int(Self.maximumSeconds)) seconds")
            }
        }
        if let threshold, !threshold.isFinite {
            throw .invalidInput(field: "rule.threshold", reason: "must be a finite number")
        }
        switch kind {
        case .cameraDown:
            break
        case .countAnomaly:
            if let threshold, !(threshold > 0 && threshold <= 100) {
                throw .invalidInput(field: "rule.threshold", reason: "a count-anomaly rule needs the deviations that count, above 0 (4 is usual)")
            }
            if let weeks, !(3...12).contains(weeks) {
                throw .invalidInput(field: "rule.weeks", reason: "compare with 3 to 12 weeks")
            }
            if let minimumVolume, !minimumVolume.isFinite || minimumVolume < 0 {
                throw .invalidInput(field: "rule.minimumVolume", reason: "must be 0 or more people")
            }
        case .closingImbalance:
            guard let threshold, threshold > 0, threshold <= 1 else {
                throw .invalidInput(field: "rule.threshold", reason: "a closing-imbalance rule needs a share above 0 and at most 1 (0.1: a tenth)")
            }
            guard siteID != nil else {
                throw .invalidInput(field: "rule.site", reason: "a closing-imbalance rule needs a site")
            }
            guard let closingTime, Self.clock(closingTime) != nil else {
                throw .invalidInput(field: "rule.closingTime", reason: "give the closing time as HH:mm, such as 21:00")
            }
            if let minimumVolume, !minimumVolume.isFinite || minimumVolume < 0 {
                throw .invalidInput(field: "rule.minimumVolume", reason: "must be 0 or more people")
            }
        case .droppedFrames:
            guard let threshold, threshold > 0, threshold < 1 else {
                throw .invalidInput(field: "rule.threshold", reason: "a dropped-frames rule needs a share between 0 and 1 (0.2: a fifth)")
            }
        case .zoneOccupancy, .siteOccupancy:
            guard let threshold, threshold >= 0 else {
                throw .invalidInput(field: "rule.threshold", reason: "a \(kind.rawValue) rule needs a capacity of 0 or more people")
            }
        }
        if kind == .siteOccupancy || kind == .closingImbalance {
            guard siteID != nil else {
                throw .invalidInput(field: "rule.site", reason: "a \(kind.rawValue) rule needs a site")
            }
            guard cameraID == nil else {
                throw .invalidInput(field: "rule.camera", reason: "a \(kind.rawValue) rule covers a site, not one camera")
            }
        }
        if !lines.isEmpty, ![.siteOccupancy, .countAnomaly, .closingImbalance].contains(kind) {
            throw .invalidInput(field: "rule.lines", reason: "only site-occupancy, count-anomaly and closing-imbalance rules name lines")
        }
        if kind != .countAnomaly, weeks != nil {
            throw .invalidInput(field: "rule.weeks", reason: "only a count-anomaly rule has it")
        }
        if kind != .countAnomaly, kind != .closingImbalance, minimumVolume != nil {
            throw .invalidInput(field: "rule.minimumVolume", reason: "only count-anomaly and closing-imbalance rules have it")
        }
        if kind != .closingImbalance, closingTime != nil {
            throw .invalidInput(field: "rule.closingTime", reason: "only a closing-imbalance rule has it")
        }
        if lines.count > 100 {
            throw .invalidInput(field: "rule.lines", reason: "name at most 100 lines")
        }
        for line in lines {
            let parts = line.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw .invalidInput(field: "rule.lines", reason: "name each line as camera/line")
            }
            try Validation.identifier(parts[0], field: "rule.lines")
            try Validation.name(parts[1], field: "rule.lines")
        }
        if zone != nil, kind != .zoneOccupancy {
            throw .invalidInput(field: "rule.zone", reason: "only a zone-occupancy rule names a zone")
        }
    }
}
