/// A multi-object tracker of the ByteTrack family: a Kalman filter per track, optimal IoU
/// assignment, and six association rounds —
/// 1. confident detections ↔ confirmed tracks (matched last step or lost),
/// 2. weak detections ↔ confirmed tracks still unmatched that were matched last step,
/// 3. remaining confident detections ↔ tentative tracks,
/// 4. remaining confident detections ↔ tracks matched last step, by centre distance within
///    the distance a person can move in the time since (for low frame rates),
/// 5. remaining confident detections ↔ lost confirmed tracks, by centre distance,
/// 6. remaining confident detections ↔ lost confirmed tracks, by centre distance over a
///    longer reach, only when their colour signatures are alike (re-identification).
/// Where both a track and a detection carry a colour signature, rounds 4 and 5 also refuse
/// pairs that look unalike; without signatures (detection files, pushed detections) rounds
/// 1–5 are the whole tracker.
/// Remaining confident detections start tentative tracks, confirmed once seen for
/// `confirmationSeconds`.
/// Tracks die after a time without a match, so behaviour does not change with the frame rate.
public struct Tracker: Sendable, Codable {
    /// The result of one step.
    public struct Update: Sendable {
        /// Tracks matched or started in this step, tentative ones included.
        public var observed: [Track]
        /// Ids of tracks removed in this step; their state can be forgotten.
        public var removed: [Int]
    }

    private struct State: Sendable, Codable {
        var track: Track
        var filter: KalmanBoxFilter
        /// Matched in the previous step (not lost).
        var wasMatched: Bool
    }

    // The scratch buffers are not state: a decoded tracker starts with empty ones.
    private enum CodingKeys: String, CodingKey {
        case configuration, states, nextID, lastTime
    }

    public let configuration: TrackerConfiguration
    private var states: [State] = []
    private var nextID = 1
    private var lastTime: Double?

    // Scratch buffers reused across steps so that a steady-state step does not allocate.
    private var assignment = LinearAssignment()
    private var costs: [Double] = []
    private var rowTracks: [Int] = []
    private var columnDetections: [Int] = []
    private var matches: [Int] = []
    private var trackMatched: [Bool] = []
    private var detectionUsed: [Bool] = []
    private var predicted: [Box] = []

    public init(configuration: TrackerConfiguration = .init()) {
        self.configuration = configuration
    }

    /// All tracks alive now, tentative and lost ones included.
    public var tracks: [Track] { states.map(\.track) }

    /// Number of live tracks (bounded by the people in view and `maximumLostSeconds`).
    public var trackCount: Int { states.count }

    /// Advances to stream time `time` (seconds, non-decreasing) with this frame's detections.
    public mutating func step(_ detections: [Detection], time: Double) -> Update {
        let dt = max(0, time - (lastTime ?? time))
        lastTime = time
        predicted.removeAll(keepingCapacity: true)
        for index in states.indices {
            states[index].filter.predict(dt: dt)
            predicted.append(states[index].filter.box)
        }
        trackMatched.removeAll(keepingCapacity: true)
        trackMatched.append(contentsOf: repeatElement(false, count: states.count))
        detectionUsed.removeAll(keepingCapacity: true)
        detectionUsed.append(contentsOf: repeatElement(false, count: detections.count))

        let c = configuration
        associate(detections, time: time, limit: c.matchLimit, fuse: c.fuseScore, direction: c.directionWeight,
                  track: { $0.track.isConfirmed }, detection: { $0.confidence >= c.highConfidence })
        associate(detections, time: time, limit: c.secondMatchLimit, fuse: false,
                  track: { $0.track.isConfirmed && $0.wasMatched },
                  detection: { $0.confidence >= c.lowConfidence && $0.confidence < c.highConfidence })
        associate(detections, time: time, limit: c.tentativeMatchLimit, fuse: c.fuseScore,
                  track: { !$0.track.isConfirmed }, detection: { $0.confidence >= c.highConfidence })
        if c.maximumSpeed > 0 && dt > 0 {
            associate(detections, time: time, limit: c.maximumSpeed * dt, fuse: false, byDistance: true,
                      minimumSimilarity: c.appearanceGate,
                      track: { $0.wasMatched }, detection: { $0.confidence >= c.highConfidence })
        }
        if c.recoveryDistance > 0 {
            associate(detections, time: time, limit: c.recoveryDistance, fuse: false, byDistance: true,
                      minimumSimilarity: c.appearanceGate,
                      track: { $0.track.isConfirmed && !$0.wasMatched },
                      detection: { $0.confidence >= c.highConfidence })
        }
        if c.appearanceRecoveryDistance > 0 {
            associate(detections, time: time, limit: c.appearanceRecoveryDistance, fuse: false, byDistance: true,
                      minimumSimilarity: c.appearanceMatch, requiresAppearance: true, restartsMotion: true,
                      track: { $0.track.isConfirmed && !$0.wasMatched
                          && ($0.track.appearance?.colourShare ?? -1) >= c.appearanceMinimumColour },
                      detection: { $0.confidence >= c.highConfidence
                          && ($0.appearance?.colourShare ?? -1) >= c.appearanceMinimumColour })
        }

        var observed: [Track] = []
        var removed: [Int] = []
        var kept = 0
        for index in states.indices {
            var state = states[index]
            state.wasMatched = trackMatched[index]
            if state.wasMatched {
                observed.append(state.track)
            } else {
                state.track.box = state.filter.box
                let limit = state.track.isConfirmed ? c.maximumLostSeconds : c.maximumTentativeLostSeconds
                if time - state.track.lastSeen > limit {
                    removed.append(state.track.id)
                    continue
                }
            }
            states[kept] = state
            kept += 1
        }
        states.removeLast(states.count - kept)

        for (index, detection) in detections.enumerated()
        where !detectionUsed[index] && detection.confidence >= c.newTrackConfidence {
            var track = Track(id: nextID, box: detection.box, score: detection.confidence, time: time)
            nextID += 1
            track.isConfirmed = c.confirmationSeconds <= 0
            track.appearance = detection.appearance
            states.append(State(track: track, filter: KalmanBoxFilter(box: detection.box), wasMatched: true))
            observed.append(track)
        }
        return Update(observed: observed, removed: removed)
    }

    /// A detected box's height over the predicted box's.
    private static func heightRatio(_ predicted: Box, _ detected: Box) -> Double {
        detected.height / max(predicted.height, 1)
    }

    /// Distance between centres in predicted box heights; infinite when the sizes differ by
    /// more than half, which rules out a child's box taking over an adult's track.
    private static func centreDistance(_ predicted: Box, _ detected: Box) -> Double {
        let ratio = heightRatio(predicted, detected)
        guard ratio > 0.67 && ratio < 1.5 else { return .infinity }
        let dx = predicted.x + predicted.width / 2 - detected.x - detected.width / 2
        let dy = predicted.y + predicted.height / 2 - detected.y - detected.height / 2
        return (dx * dx + dy * dy).squareRoot() / max(predicted.height, 1)
    }

    /// One association round between the tracks and detections that pass the filters and are
    /// still free. In rounds by distance, a pair whose signatures are less alike than
    /// `minimumSimilarity` is not matched, nor, when `requiresAppearance`, a pair without both.
    /// With `restartsMotion`, a matched track's filter starts again from the detection: a person
    /// found far from the prediction did not move as predicted, and the jump is no speed.
    private mutating func associate(
        _ detections: [Detection], time: Double, limit: Double, fuse: Bool, byDistance: Bool = false,
        direction: Double = 0, minimumSimilarity: Double = 0, requiresAppearance: Bool = false,
        restartsMotion: Bool = false,
        track includeTrack: (State) -> Bool, detection includeDetection: (Detection) -> Bool
    ) {
        rowTracks.removeAll(keepingCapacity: true)
        columnDetections.removeAll(keepingCapacity: true)
        for index in states.indices where !trackMatched[index] && includeTrack(states[index]) {
            rowTracks.append(index)
        }
        for index in detections.indices where !detectionUsed[index] && includeDetection(detections[index]) {
            columnDetections.append(index)
        }
        guard !rowTracks.isEmpty, !columnDetections.isEmpty else { return }
        costs.removeAll(keepingCapacity: true)
        let sizeLimit = configuration.maximumSizeChange
        for t in rowTracks {
            let box = predicted[t]
            let last = states[t].track.detection.center
            let velocity = states[t].filter.velocity
            let speed = (velocity.x * velocity.x + velocity.y * velocity.y).squareRoot()
            // Only a track clearly on the move has a direction to keep.
            let moving = direction > 0 && speed > 0.3 * max(box.height, 1)
            for d in columnDetections {
                let detection = detections[d]
                if byDistance {
                    var cost = Self.centreDistance(box, detection.box)
                    // Signatures are compared only for pairs close enough to be matched at all.
                    if cost < limit {
                        if let seen = states[t].track.appearance, let now = detection.appearance {
                            if minimumSimilarity > 0 && seen.similarity(to: now) < minimumSimilarity { cost = .infinity }
                        } else if requiresAppearance {
                            cost = .infinity
                        }
                    }
                    costs.append(cost)
                } else {
                    let iou = box.iou(detection.box)
                    var cost = 1 - (fuse ? iou * detection.confidence : iou)
                    if sizeLimit > 1 {
                        let ratio = Self.heightRatio(box, detection.box)
                        if ratio > sizeLimit || ratio * sizeLimit < 1 { cost = .infinity }
                    }
                    if moving {
                        let centre = detection.box.center
                        let dx = centre.x - last.x, dy = centre.y - last.y
                        let step = (dx * dx + dy * dy).squareRoot()
                        if step > 0.05 * max(box.height, 1) {
                            cost += direction * (1 - (dx * velocity.x + dy * velocity.y) / (step * speed)) / 2
                        }
                    }
                    costs.append(cost)
                }
            }
        }
        assignment.solve(costs: costs, rows: rowTracks.count, cols: columnDetections.count, limit: limit,
                         assignment: &matches)
        for (row, column) in matches.enumerated() where column >= 0 {
            let t = rowTracks[row]
            let detection = detections[columnDetections[column]]
            trackMatched[t] = true
            detectionUsed[columnDetections[column]] = true
            if restartsMotion {
                states[t].filter = KalmanBoxFilter(box: detection.box)
            } else {
                states[t].filter.update(with: detection.box)
            }
            var track = states[t].track
            // A weak detection (second round) is often a partly hidden person: its colours
            // would blur the signature.
            if let now = detection.appearance, detection.confidence >= configuration.highConfidence {
                let elapsed = max(0, time - track.lastSeen)
                let weight = elapsed / max(elapsed + configuration.appearanceMemorySeconds, 1e-9)
                track.appearance = track.appearance.map { $0.blended(with: now, weight: weight) } ?? now
            }
            track.box = states[t].filter.box
            track.detection = detection.box
            track.velocity = states[t].filter.velocity
            track.hits += 1
            track.lastSeen = time
            track.score = detection.confidence
            // The small allowance keeps a span of exactly n frame intervals from rounding below it.
            if track.lastSeen - track.firstSeen >= configuration.confirmationSeconds - 1e-6 { track.isConfirmed = true }
            states[t].track = track
        }
    }
}
