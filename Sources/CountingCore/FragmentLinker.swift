/// Counts crossings made while the tracker lost a person: a track that ends on one side of a
/// line, close to it, and a new track that starts soon after on the other side, close to it,
/// where the first one was heading, are taken as one person crossing.
///
/// The decision is taken when the new track is confirmed, so a linked crossing is reported at
/// most `linkSeconds` plus the confirmation time after it happened. A new track, when it is
/// confirmed, takes for each line the ended track whose heading it is nearest to; each ended
/// track is linked at most once per line. When the ended track comes back and crosses the same
/// line the same way, that one crossing is not counted again: it was counted through the link.
/// When both tracks carry colour signatures, tracks that look unalike are not linked.
///
/// The other way round, a new track may take up a lost person while the old track is found
/// again across the line, and both would count the crossing; `takeReplaced` tells the engine
/// not to count it twice, whichever is counted first.
///
/// A track may also start on the person shortly before the old one is lost, on the line, so
/// that neither is ever clearly on both sides: `handOver`, when the old track is removed,
/// counts that crossing once for the track that took over.
///
/// Memory stays bounded: a removed track is forgotten `linkSeconds` plus the confirmation time
/// after it was last seen (a new track that started within `linkSeconds` is confirmed by then).
public struct FragmentLinker: Sendable, Codable {
    /// A linked crossing to report.
    public struct Link: Hashable, Sendable {
        /// Index of the line in the geometry.
        public var line: Int
        public var direction: CrossingDirection
        /// The track that ended and the one that started.
        public var endedTrackID: Int
        public var startedTrackID: Int
        /// When the crossing is taken to have happened: when the new track was first seen (the
        /// person was over the line by then), or, for a hand-over, when the ended track was last seen.
        public var time: Double
    }

    private struct Key: Hashable, Sendable, Codable {
        var line: CountingLine
        var direction: CrossingDirection
    }

    private struct Removal: Sendable, Codable {
        var id: Int
        var lastTime: Double
    }

    private struct Fragment: Sendable, Codable {
        var firstPoint: Point
        var firstTime: Double
        var firstHeight: Double
        var lastPoint: Point
        var lastTime: Double
        var lastHeight: Double
        var velocity: Point
        /// The track's colour signature when last seen, if it has one.
        var appearance: Appearance?
        var isConfirmed = false
        var isRemoved = false
        /// Line crossings already counted for this track through a link, each to be skipped once.
        var counted: Set<Key> = []
        /// Lines across which this ended track has been linked to a new one.
        var linked: Set<CountingLine> = []
        /// Lines for which this track already answers for a crossing it did not count on its
        /// own: one it completed through a link or a hand-over, or one of its own left out as
        /// counted by another track. It takes over on them no more. Optional so that state
        /// saved before it existed still decodes.
        var answered: Set<CountingLine>?
        /// The track's latest loss: a step or more without a match.
        var loss: Loss?
        /// The latest crossing counted for this track on each line and direction: its time, and
        /// whether it already answered for the same crossing by another track.
        var countedAt: [Key: Counted] = [:]
    }

    /// Where and when a track was last seen before a loss, and when it was seen again.
    private struct Loss: Sendable, Codable {
        var lastTime: Double
        var point: Point
        var height: Double
        var returnTime: Double
    }

    private struct Counted: Sendable, Codable {
        var time: Double
        /// The loss this crossing was made in, if any: the track may be lost again later.
        var loss: Loss?
        var claimed = false
    }

    /// Longest gap, in seconds, between the end of one track and the start of the next.
    public let linkSeconds: Double
    /// How close to the line, in box heights, the old track must end and the new one start,
    /// and how far, in box heights, the new start may be from where the old track was heading.
    /// It is also the largest distance, in box heights, between where a lost track was last seen
    /// and where its replacement started (`takeReplaced`).
    public let reach: Double
    /// When both tracks carry a colour signature, the least similarity for them to be linked
    /// (0: appearance is not looked at).
    public let appearanceGate: Double
    /// How long a removed track is kept: the link time plus the time a new track takes to be
    /// confirmed, when the link is decided.
    private let retainSeconds: Double
    private var fragments: [Int: Fragment] = [:]
    /// Removed tracks in the order they were removed, to forget them without scanning every
    /// fragment at each step.
    private var removed: [Removal] = []

    public init(linkSeconds: Double, reach: Double, confirmationSeconds: Double, appearanceGate: Double = 0) {
        self.linkSeconds = linkSeconds
        self.reach = reach
        self.appearanceGate = appearanceGate
        self.retainSeconds = linkSeconds + max(0, confirmationSeconds)
    }

    /// Whether linking is on.
    public var isEnabled: Bool { linkSeconds > 0 && reach > 0 }

    /// Number of tracks remembered (the live ones and those removed in the last `linkSeconds`).
    public var trackedCount: Int { fragments.count }

    /// Records where a track was seen in this step; `previousStep` is the stream time of the
    /// step before, to tell a track found again after a loss.
    public mutating func observe(_ track: Track, previousStep: Double?) {
        guard isEnabled else { return }
        let point = track.box.bottomCenter
        if var fragment = fragments[track.id] {
            if let previousStep, fragment.lastTime < previousStep {
                fragment.loss = Loss(lastTime: fragment.lastTime, point: fragment.lastPoint, height: fragment.lastHeight,
                                     returnTime: track.lastSeen)
            }
            fragment.lastPoint = point
            fragment.lastTime = track.lastSeen
            fragment.lastHeight = track.box.height
            fragment.velocity = track.velocity
            if track.appearance != nil { fragment.appearance = track.appearance }
            fragments[track.id] = fragment
        } else {
            fragments[track.id] = Fragment(
                firstPoint: point, firstTime: track.lastSeen, firstHeight: track.box.height, lastPoint: point,
                lastTime: track.lastSeen, lastHeight: track.box.height, velocity: track.velocity,
                appearance: track.appearance)
        }
    }

    /// Marks a track removed by the tracker; it can still be linked to a track that started
    /// within `linkSeconds` of its end.
    public mutating func remove(trackID: Int) {
        guard let fragment = fragments[trackID], !fragment.isRemoved else { return }
        fragments[trackID]!.isRemoved = true
        removed.append(Removal(id: trackID, lastTime: fragment.lastTime))
    }

    /// Forgets removed tracks that can no longer be linked at stream time `time`.
    public mutating func prune(time: Double) {
        // Tracks are removed roughly in the order they were last seen; one removed out of order
        // is forgotten a little later, which changes nothing (links check the gap themselves).
        var expired = 0
        while expired < removed.count, time - removed[expired].lastTime > retainSeconds {
            fragments[removed[expired].id] = nil
            expired += 1
        }
        if expired > 0 { removed.removeFirst(expired) }
    }

    /// Whether a crossing by `trackID` was already counted through a link; if so, it is
    /// skipped this once and a later crossing the same way counts again.
    public mutating func takeCounted(trackID: Int, line: CountingLine, direction: CrossingDirection) -> Bool {
        fragments[trackID]?.counted.remove(Key(line: line, direction: direction)) != nil
    }

    /// Records a crossing counted for `trackID` on its own (not through a link, which already
    /// answers for the ended track's return) at stream time `time`.
    public mutating func noteCounted(trackID: Int, line: CountingLine, direction: CrossingDirection, time: Double) {
        guard isEnabled, let fragment = fragments[trackID] else { return }
        let loss = fragment.loss.flatMap { time > $0.lastTime && time <= $0.returnTime ? $0 : nil }
        fragments[trackID]!.countedAt[Key(line: line, direction: direction)] = Counted(time: time, loss: loss)
    }

    /// Whether a crossing that `trackID` made at stream time `time` was already counted for the
    /// same person by another track. One of the two tracks was lost (seen last at L, found again
    /// at R); the other started between L and R within `reach` box heights of where the first
    /// was last seen; both crossed the same line the same way after L and no later than R (the
    /// lost one as it was found again). Whichever of the two is counted second is not counted.
    /// Each counted crossing answers for one other at most, the nearest start first.
    ///
    /// A lost track found again inside the line's band, whose crossing is seen a step later, is
    /// not covered: allowing crossings up to a second after R also took, on a crowded sequence,
    /// a second person's crossing for the first's.
    public mutating func takeReplaced(trackID: Int, line: CountingLine, direction: CrossingDirection, time: Double) -> Bool {
        guard isEnabled, let this = fragments[trackID] else { return false }
        let key = Key(line: line, direction: direction)
        func replacementDistance(_ loss: Loss?, _ replacement: Fragment, _ first: Double, _ second: Double) -> Double? {
            guard let loss else { return nil }
            func during(_ time: Double) -> Bool { time > loss.lastTime && time <= loss.returnTime }
            guard during(replacement.firstTime), during(first), during(second) else { return nil }
            let dx = replacement.firstPoint.x - loss.point.x, dy = replacement.firstPoint.y - loss.point.y
            let distance = (dx * dx + dy * dy).squareRoot()
            return distance <= reach * max(loss.height, 1) ? distance : nil
        }
        var best: (id: Int, distance: Double)?
        for (id, other) in fragments where id != trackID && other.isConfirmed {
            guard let counted = other.countedAt[key], !counted.claimed,
                  let distance = replacementDistance(this.loss, other, time, counted.time)
                    ?? replacementDistance(counted.loss, this, time, counted.time)
            else { continue }
            if best == nil || distance < best!.distance || (distance == best!.distance && id < best!.id) {
                best = (id, distance)
            }
        }
        guard let best else { return false }
        fragments[best.id]!.countedAt[key]!.claimed = true
        return true
    }

    /// Called when the tracker removes a confirmed track: the crossings it hands over to a track
    /// that started on the same person while it was still seen, on the line, and took the person
    /// across. The ended track was last clearly on one side, heading across, and last seen
    /// within `reach` box heights of the line; the other track is confirmed and not removed,
    /// started during the ended one's last `linkSeconds` (after it began), within `reach` box
    /// heights of where the ended one was last seen and of the line, not clearly on the ended
    /// track's side, is now clearly on the other side, is of a similar height, moves the same
    /// way, and neither counted a crossing of the line nor answers for one (`noteAnswered`).
    /// Each track takes over at most once per line, the nearest start first.
    /// - Parameters:
    ///   - counters: the line counters, for each track's last side and the distance rule.
    ///   - band: hysteresis half-width as a fraction of the box height.
    public mutating func handOver(endedTrackID: Int, counters: [LineCounter], band: Double) -> [Link] {
        guard isEnabled, let ended = fragments[endedTrackID], ended.isConfirmed else { return [] }
        var links: [Link] = []
        for (index, counter) in counters.enumerated() where !ended.linked.contains(counter.line) {
            guard let endedSide = counter.lastSide(of: endedTrackID),
                  abs(counter.distance(of: ended.lastPoint)) <= reach * ended.lastHeight else { continue }
            let across = counter.distance(of: Point(x: ended.lastPoint.x + ended.velocity.x, y: ended.lastPoint.y + ended.velocity.y))
                - counter.distance(of: ended.lastPoint)
            // Heading for the other side.
            guard across * Double(endedSide) < 0 else { continue }
            var best: (id: Int, distance: Double)?
            for (id, other) in fragments where id != endedTrackID && other.isConfirmed && !other.isRemoved
                && !(other.answered?.contains(counter.line) ?? false) {
                guard other.firstTime > ended.firstTime, other.firstTime < ended.lastTime,
                      ended.lastTime - other.firstTime <= linkSeconds,
                      counter.lastSide(of: id) == -endedSide,
                      counter.side(of: other.firstPoint, band: band * other.firstHeight) != endedSide,
                      abs(counter.distance(of: other.firstPoint)) <= reach * other.firstHeight,
                      other.countedAt.keys.allSatisfy({ $0.line != counter.line }),
                      other.counted.allSatisfy({ $0.line != counter.line }) else { continue }
                let ratio = other.firstHeight / max(ended.lastHeight, 1)
                guard ratio > 0.67, ratio < 1.5 else { continue }
                let otherAcross = counter.distance(of: Point(x: other.lastPoint.x + other.velocity.x, y: other.lastPoint.y + other.velocity.y))
                    - counter.distance(of: other.lastPoint)
                guard otherAcross * across > 0 else { continue }
                if appearanceGate > 0, let before = ended.appearance, let after = other.appearance,
                   before.similarity(to: after) < appearanceGate { continue }
                let dx = other.firstPoint.x - ended.lastPoint.x, dy = other.firstPoint.y - ended.lastPoint.y
                let distance = (dx * dx + dy * dy).squareRoot()
                guard distance <= reach * max(ended.lastHeight, 1), distance < (best?.distance ?? .infinity) else { continue }
                best = (id, distance)
            }
            guard let best else { continue }
            let direction: CrossingDirection = endedSide > 0 ? .out : .in
            fragments[endedTrackID]!.linked.insert(counter.line)
            noteAnswered(trackID: best.id, line: counter.line)
            links.append(Link(line: index, direction: direction, endedTrackID: endedTrackID, startedTrackID: best.id,
                              time: ended.lastTime))
        }
        return links
    }

    /// Records that `trackID` answers for a crossing of `line` it did not count on its own, so
    /// that it takes over no other on that line (`handOver`).
    public mutating func noteAnswered(trackID: Int, line: CountingLine) {
        guard isEnabled, fragments[trackID] != nil else { return }
        fragments[trackID]!.answered = (fragments[trackID]!.answered ?? []).union([line])
    }

    /// Called once when `track` is confirmed: returns the crossings it completes, one per line
    /// at most (an ended track may complete crossings of several lines).
    /// - Parameters:
    ///   - counters: the line counters, for each line's side and distance rule.
    ///   - band: hysteresis half-width as a fraction of the box height.
    ///   - crossedBefore: lines this track already crossed on its own before confirmation.
    public mutating func confirm(_ track: Track, counters: [LineCounter], band: Double, crossedBefore: Set<Int>) -> [Link] {
        guard isEnabled, var started = fragments[track.id], !started.isConfirmed else { return [] }
        started.isConfirmed = true
        fragments[track.id] = started
        var links: [Link] = []
        for (index, counter) in counters.enumerated() where !crossedBefore.contains(index) {
            let startSide = counter.side(of: started.firstPoint, band: band * started.firstHeight)
            guard startSide != 0,
                  abs(counter.distance(of: started.firstPoint)) <= reach * started.firstHeight else { continue }
            var best: (id: Int, miss: Double)?
            for (id, ended) in fragments where id != track.id && ended.isConfirmed && !ended.linked.contains(counter.line) {
                let gap = started.firstTime - ended.lastTime
                guard gap > 0, gap <= linkSeconds else { continue }
                let ratio = started.firstHeight / max(ended.lastHeight, 1)
                guard ratio > 0.67, ratio < 1.5 else { continue }
                if appearanceGate > 0, let before = ended.appearance, let after = track.appearance,
                   before.similarity(to: after) < appearanceGate { continue }
                guard counter.side(of: ended.lastPoint, band: band * ended.lastHeight) == -startSide,
                      abs(counter.distance(of: ended.lastPoint)) <= reach * ended.lastHeight,
                      counter.line.segmentIntersects(from: ended.lastPoint, to: started.firstPoint) else { continue }
                // Heading for the line: its speed across the line points to the new track's side.
                let across = counter.distance(of: Point(x: ended.lastPoint.x + ended.velocity.x,
                                                        y: ended.lastPoint.y + ended.velocity.y))
                    - counter.distance(of: ended.lastPoint)
                guard across * Double(startSide) > 0 else { continue }
                let expected = Point(x: ended.lastPoint.x + ended.velocity.x * gap, y: ended.lastPoint.y + ended.velocity.y * gap)
                let dx = expected.x - started.firstPoint.x, dy = expected.y - started.firstPoint.y
                let miss = (dx * dx + dy * dy).squareRoot() / max(ended.lastHeight, 1)
                guard miss <= reach, miss < (best?.miss ?? .infinity) else { continue }
                best = (id, miss)
            }
            guard let best else { continue }
            let direction: CrossingDirection = startSide > 0 ? .in : .out
            fragments[best.id]!.linked.insert(counter.line)
            fragments[best.id]!.counted.insert(Key(line: counter.line, direction: direction))
            noteAnswered(trackID: track.id, line: counter.line)
            links.append(Link(line: index, direction: direction, endedTrackID: best.id, startedTrackID: track.id,
                              time: started.firstTime))
        }
        return links
    }
}
