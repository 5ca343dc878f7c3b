/// How a camera's people are tracked and counted.
public struct CountingConfiguration: Hashable, Sendable, Codable {
    public var tracker: TrackerConfiguration
    /// Half-width of the band around each line where points are ignored, as a fraction of the
    /// person's box height (0.1 of a 100-pixel person: 10 pixels each side).
    public var lineHysteresis: Double
    /// Seconds a person must stay in a zone before counting as inside.
    public var zoneMinimumDwell: Double
    /// Seconds a person inside a zone still counts toward its occupancy after the tracker last
    /// saw them (0: until the tracker drops the track). The tracker keeps a lost person for
    /// `TrackerConfiguration.maximumLostSeconds`, to find them again; someone who walked out of
    /// the picture, or a second track on one person, would otherwise be counted inside all that
    /// time. The visit itself goes on, and counts again when the person is found. Only for
    /// detectors that see people standing still: motion loses a person who stops, who is still
    /// inside (`DetectorSpecification.recommendedCounting`).
    public var zonePresenceSeconds: Double

    /// Longest time, in seconds, between a track ending near a line and another starting across
    /// it for the two to count as one person crossing (0 turns this off). See `FragmentLinker`.
    /// Such a crossing is reported up to this long (plus the confirmation time) after it
    /// happened; a hand-over, up to the tracker's `maximumLostSeconds` after (see
    /// `countingDelaySeconds`).
    public var fragmentLinkSeconds: Double
    /// How close to the line, in box heights, the two tracks must end and start, and how far the
    /// new one may be from where the old one was heading; also how near where a lost track was
    /// last seen a new one must start to be taken for its replacement.
    public var fragmentReach: Double
    /// Where frames exist (the live pipeline, `footfall count`), give each person near a line
    /// or zone a colour signature, which the tracker and the fragment linker use to tell people
    /// apart after a short loss (see `Appearance`). Detection files and pushed detections have
    /// no frames, and counting then works without.
    public var usesAppearance: Bool
    /// A track found again after a loss and a new track that started near where it was lost,
    /// while it was lost, are one person: of their crossings of the same line the same way, the
    /// one counted second is not counted (`FragmentLinker.takeReplaced`). It keeps its books
    /// with the fragment linker, so it needs linking on (`fragmentLinkSeconds` and
    /// `fragmentReach` above 0).
    public var skipsReturnsOfReplacedTracks: Bool

    public init(tracker: TrackerConfiguration = .init(), lineHysteresis: Double = 0.1, zoneMinimumDwell: Double = 0,
                zonePresenceSeconds: Double = 0,
                fragmentLinkSeconds: Double = 1, fragmentReach: Double = 1, usesAppearance: Bool = true,
                skipsReturnsOfReplacedTracks: Bool = true) {
        self.tracker = tracker
        self.lineHysteresis = lineHysteresis
        self.zoneMinimumDwell = zoneMinimumDwell
        self.zonePresenceSeconds = zonePresenceSeconds
        self.fragmentLinkSeconds = fragmentLinkSeconds
        self.fragmentReach = fragmentReach
        self.usesAppearance = usesAppearance
        self.skipsReturnsOfReplacedTracks = skipsReturnsOfReplacedTracks
    }

    /// Decodes settings saved before `zonePresenceSeconds` existed with it at 0, which is how
    /// they counted.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tracker = try container.decode(TrackerConfiguration.self, forKey: .tracker)
        lineHysteresis = try container.decode(Double.self, forKey: .lineHysteresis)
        zoneMinimumDwell = try container.decode(Double.self, forKey: .zoneMinimumDwell)
        zonePresenceSeconds = try container.decodeIfPresent(Double.self, forKey: .zonePresenceSeconds) ?? 0
        fragmentLinkSeconds = try container.decode(Double.self, forKey: .fragmentLinkSeconds)
        fragmentReach = try container.decode(Double.self, forKey: .fragmentReach)
        usesAppearance = try container.decode(Bool.self, forKey: .usesAppearance)
        skipsReturnsOfReplacedTracks = try container.decode(Bool.self, forKey: .skipsReturnsOfReplacedTracks)
    }

    /// The longest time between a crossing and its report: the confirmation time, plus the
    /// fragment link time when linking is on; with linking, a crossing handed over on the line
    /// is reported when the track that was lost there is removed, after `maximumLostSeconds`
    /// (at the first frame after it, so up to one frame interval more).
    public var countingDelaySeconds: Double {
        guard fragmentLinkSeconds > 0, fragmentReach > 0 else { return tracker.confirmationSeconds }
        return max(tracker.confirmationSeconds + fragmentLinkSeconds, tracker.maximumLostSeconds)
    }
}
