/// Thresholds of the tracker. Times are in seconds, so behaviour does not depend on the frame rate.
///
/// Costs are `1 − IoU` (times the detection's confidence when `fuseScore` is on); a pair is
/// matched only when its cost is below the round's limit.
public struct TrackerConfiguration: Hashable, Sendable, Codable {
    /// Detections at or above this confidence take part in the first round and may start tracks.
    public var highConfidence: Double
    /// Detections between this and `highConfidence` may only extend tracks, in the second round.
    public var lowConfidence: Double
    /// A new track needs a detection at least this confident.
    public var newTrackConfidence: Double
    /// First round (confident detections ↔ confirmed and lost tracks) cost limit.
    public var matchLimit: Double
    /// Second round (weak detections ↔ confirmed tracks still unmatched) cost limit.
    public var secondMatchLimit: Double
    /// Third round (remaining confident detections ↔ tentative tracks) cost limit.
    public var tentativeMatchLimit: Double
    /// Fifth round (remaining confident detections ↔ lost confirmed tracks): the largest
    /// distance between predicted and detected centres, in predicted box heights, for a lost
    /// person to be found again when boxes no longer overlap (0 turns the round off).
    public var recoveryDistance: Double
    /// Fourth round (remaining confident detections ↔ tracks still unmatched that were matched
    /// last step, tentative ones included): the fastest a person moves, in box heights per
    /// second. A detection within this speed of a track's prediction extends it even when the
    /// boxes no longer overlap, which at a low frame rate (a walker moves half a body width
    /// between frames at 5 frames/s) is the usual case (0 turns the round off).
    public var maximumSpeed: Double
    /// First round: added to the cost of a pair, up to this much, as the move from the track's
    /// last detection to the new one turns away from the track's direction (0 when it goes
    /// straight on, all of it when it turns back). Keeps two people who cross each other from
    /// swapping tracks at the line (0 turns it off).
    public var directionWeight: Double
    /// Fourth and fifth rounds, when the track and the detection both carry a colour signature:
    /// the least similarity (0...1, see `Appearance.similarity`) for them to be matched by
    /// distance; keeps a lost person's track from being taken by someone else who walks into
    /// its place (0 turns it off).
    public var appearanceGate: Double
    /// Sixth round (remaining confident detections ↔ lost confirmed tracks, both with a colour
    /// signature): the largest distance between predicted and detected centres, in predicted
    /// box heights, for a person to be re-identified by appearance after a short loss (0 turns
    /// the round off).
    public var appearanceRecoveryDistance: Double
    /// Sixth round: the least similarity for a re-identification.
    public var appearanceMatch: Double
    /// Sixth round: the least share of coloured pixels (`Appearance.colourShare`) both
    /// signatures need, since people in dark or grey clothes all look alike.
    public var appearanceMinimumColour: Double
    /// How long a track's signature remembers, in seconds: each confident matched detection's
    /// signature moves it by Δt / (Δt + this), Δt the time since the track's last match: a fifth
    /// at 10 frames/s with the default, and about as much per second at 5 or 30 frames/s
    /// (0: each detection replaces it).
    public var appearanceMemorySeconds: Double
    /// Rounds by overlap (first to third): the largest ratio between a detection's height and a
    /// track's predicted height, either way, for them to be matched. A box half the size of the
    /// track's is another person far more often than the same one, and taking it moves the
    /// track's feet by half a body. Rounds by distance always refuse more than 1.5. Off by
    /// default (0, or any value not above 1: no limit), since leave-one-out on MOT15 did not
    /// choose it; the trained detector's settings use 1.5.
    public var maximumSizeChange: Double
    /// Weigh IoU by the detection's confidence in the first and third rounds.
    public var fuseScore: Bool
    /// Seconds from a track's first to its latest matched detection before it is confirmed and
    /// counted (0: confirmed at birth). A time, not a number of frames, so that a person needs
    /// to be seen as long at 5 frames/s as at 30.
    public var confirmationSeconds: Double
    /// A confirmed track unmatched for longer than this is removed.
    public var maximumLostSeconds: Double
    /// A tentative track unmatched for longer than this is removed (0: at its first miss).
    public var maximumTentativeLostSeconds: Double

    public init(
        highConfidence: Double = 0.6,
        lowConfidence: Double = 0.1,
        newTrackConfidence: Double = 0.7,
        matchLimit: Double = 0.7,
        secondMatchLimit: Double = 0.5,
        tentativeMatchLimit: Double = 0.7,
        recoveryDistance: Double = 0.35,
        maximumSpeed: Double = 2,
        directionWeight: Double = 0,
        appearanceGate: Double = 0.5,
        appearanceRecoveryDistance: Double = 1.5,
        appearanceMatch: Double = 0.8,
        appearanceMinimumColour: Double = 0.2,
        appearanceMemorySeconds: Double = 0.4,
        maximumSizeChange: Double = 0,
        fuseScore: Bool = true,
        confirmationSeconds: Double = 0.2,
        maximumLostSeconds: Double = 1.0,
        maximumTentativeLostSeconds: Double = 0
    ) {
        self.highConfidence = highConfidence
        self.lowConfidence = lowConfidence
        self.newTrackConfidence = newTrackConfidence
        self.matchLimit = matchLimit
        self.secondMatchLimit = secondMatchLimit
        self.tentativeMatchLimit = tentativeMatchLimit
        self.recoveryDistance = recoveryDistance
        self.maximumSpeed = maximumSpeed
        self.directionWeight = directionWeight
        self.appearanceGate = appearanceGate
        self.appearanceRecoveryDistance = appearanceRecoveryDistance
        self.appearanceMatch = appearanceMatch
        self.appearanceMinimumColour = appearanceMinimumColour
        self.appearanceMemorySeconds = appearanceMemorySeconds
        self.maximumSizeChange = maximumSizeChange
        self.fuseScore = fuseScore
        self.confirmationSeconds = confirmationSeconds
        self.maximumLostSeconds = maximumLostSeconds
        self.maximumTentativeLostSeconds = maximumTentativeLostSeconds
    }
}
