import Foundation

/// How far a pushed frame's time may be from the server's clock. A camera's counting only
/// moves forward, so one frame stamped in the far future would stop it counting; one from long
/// ago would be dropped. Both are refused instead, with the field named.
public struct PushWindow: Sendable, Hashable {
    /// The oldest a frame may be.
    public var maximumAge: Duration
    /// How far ahead of the server's clock a frame may be (the camera's clock running fast).
    public var maximumLead: Duration

    public init(maximumAge: Duration = .seconds(30), maximumLead: Duration = .seconds(5)) {
        self.maximumAge = maximumAge
        self.maximumLead = maximumLead
    }

    /// Why `time` falls outside the window around `now`, or nil when it is inside.
    func problem(with time: Date, now: Date) -> String? {
        let offset = time.timeIntervalSince(now)
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        let age = seconds(maximumAge)
        let lead = seconds(maximumLead)
        if offset < -age {
            return "is \(Int(-offset)) s before the server's clock; frames may be at most \(age.formatted()) s old (check the camera's clock)"
        }
        if offset > lead {
            return "is \(Int(offset)) s ahead of the server's clock; frames may be at most \(lead.formatted()) s ahead (check the camera's clock)"
        }
        return nil
    }
}
