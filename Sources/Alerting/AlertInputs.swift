import Foundation
import Messaging
import Storage

/// What the alert monitor saw of one tenant at one moment: its cameras, sites and live states.
public struct AlertInputs: Sendable {
    /// When it was seen.
    public var now: Date
    /// The tenant's cameras (deleted ones left out); disabled ones are never watched.
    public var cameras: [Camera]
    /// The tenant's sites (for their names and time zones).
    public var sites: [Site]
    /// Live states by camera id; a camera without one has sent nothing (or its worker is gone).
    public var states: [String: CameraLiveState]

    /// For count-anomaly rules, by rule and camera: the last whole hour's count and the same
    /// weekday and hour of earlier weeks. Missing: not known (yet).
    public var hourly: [HourlyKey: HourlyCounts]

    public struct HourlyKey: Hashable, Sendable {
        public var ruleID: UUID
        public var cameraID: String

        public init(ruleID: UUID, cameraID: String) {
            self.ruleID = ruleID
            self.cameraID = cameraID
        }
    }

    public struct HourlyCounts: Hashable, Sendable {
        /// Start of the hour counted.
        public var hour: Date
        public var current: Double
        /// The same weekday and hour, one week back, two weeks back, …
        public var history: [Double]

        public init(hour: Date, current: Double, history: [Double]) {
            self.hour = hour
            self.current = current
            self.history = history
        }
    }

    /// For closing-imbalance rules, by rule: the people in and out of the site on the day of its
    /// last closing. Missing: not known (yet).
    public var closings: [UUID: ClosingCounts]

    public struct ClosingCounts: Hashable, Sendable {
        public var day: SiteDay
        public var countIn: Int
        public var countOut: Int

        public init(day: SiteDay, countIn: Int, countOut: Int) {
            self.day = day
            self.countIn = countIn
            self.countOut = countOut
        }
    }

    public init(now: Date, cameras: [Camera], sites: [Site] = [], states: [String: CameraLiveState] = [:],
                hourly: [HourlyKey: HourlyCounts] = [:], closings: [UUID: ClosingCounts] = [:]) {
        self.now = now
        self.cameras = cameras
        self.sites = sites
        self.states = states
        self.hourly = hourly
        self.closings = closings
    }

    /// A camera whose last frame is older than this is silent, whatever its status says (its
    /// worker may have died before it could say so).
    public static let silentAfter: TimeInterval = 30

    /// The enabled cameras a rule covers: its camera, its site's cameras, or every camera.
    func cameras(for rule: AlertRule) -> [Camera] {
        cameras.filter { camera in
            camera.enabled && (rule.cameraID.map { $0 == camera.id } ?? true) && (rule.siteID.map { $0 == camera.siteID } ?? true)
        }
    }
}
