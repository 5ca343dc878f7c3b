/// A multi-object tracker: constant-velocity prediction and greedy lowest-cost matching on IoU,
/// with a centre-distance fallback for boxes that moved further than their size.
public struct Tracker: Sendable {
    /// The result of one step.
    public struct Update: Sendable {
        /// Tracks matched or started in this frame, tentative ones included.
        public var observed: [Track]
        /// Ids of tracks removed in this step; their state can be forgotten.
        public var removed: [Int]
    }

    public let configuration: TrackerConfiguration
    public private(set) var tracks: [Track] = []
    private var nextID = 1
    private var lastTime: Double?
    // Scratch buffers kept across steps so that a step does not allocate in the steady state.
    private var candidates: [(cost: Double, track: Int, detection: Int)] = []
    private var trackTaken: [Bool] = []
    private var detectionTaken: [Bool] = []

    public init(configuration: TrackerConfiguration = .init()) {
        self.configuration = configuration
    }

    /// Advances to stream time `time` (seconds, non-decreasing) with this frame's detections.
    public mutating func step(_ detections: [Detection], time: Double) -> Update {
        precondition(time >= (lastTime ?? time), "stream time must not go backwards")
        lastTime = time

        candidates.removeAll(keepingCapacity: true)
        for (t, track) in tracks.enumerated() {
            let sinceSeen = time - track.lastSeen
            let predicted = track.box.offsetBy(dx: track.velocity.x * sinceSeen, dy: track.velocity.y * sinceSeen)
            let pc = predicted.center
            for (d, detection) in detections.enumerated() {
                let iou = predicted.iou(detection.box)
                if iou >= configuration.minimumIoU {
                    candidates.append((1 - iou, t, d))
                    continue
                }
                let dc = detection.box.center
                let scale = max(1, (predicted.height + detection.box.height) / 2)
                let distance = ((pc.x - dc.x) * (pc.x - dc.x) + (pc.y - dc.y) * (pc.y - dc.y)).squareRoot() / scale
                let sizeRatio = detection.box.height / max(1, predicted.height)
                if distance <= configuration.maximumCentreDistance && sizeRatio > 0.5 && sizeRatio < 2 {
                    candidates.append((1 + distance, t, d))
                }
            }
        }
        candidates.sort { $0.cost < $1.cost }

        trackTaken = Array(repeating: false, count: tracks.count)
        detectionTaken = Array(repeating: false, count: detections.count)
        var observed: [Track] = []
        for candidate in candidates where !trackTaken[candidate.track] && !detectionTaken[candidate.detection] {
            trackTaken[candidate.track] = true
            detectionTaken[candidate.detection] = true
            var track = tracks[candidate.track]
            let box = detections[candidate.detection].box
            let elapsed = time - track.lastSeen
            if elapsed > 0 {
                let measured = Point(x: (box.center.x - track.box.center.x) / elapsed,
                                     y: (box.center.y - track.box.center.y) / elapsed)
                // Smooth the velocity: detector boxes jitter from frame to frame.
                let weight = track.hits == 1 ? 1.0 : 0.4
                track.velocity = Point(x: track.velocity.x + weight * (measured.x - track.velocity.x),
                                       y: track.velocity.y + weight * (measured.y - track.velocity.y))
            }
            track.box = box
            track.hits += 1
            track.lastSeen = time
            if track.hits >= configuration.hitsToConfirm { track.isConfirmed = true }
            tracks[candidate.track] = track
            observed.append(track)
        }

        var removed: [Int] = []
        tracks.removeAll { track in
            let dead = time - track.lastSeen > configuration.maximumLostSeconds
            if dead { removed.append(track.id) }
            return dead
        }

        for (d, detection) in detections.enumerated()
        where !detectionTaken[d] && detection.confidence >= configuration.minimumConfidence {
            var track = Track(id: nextID, box: detection.box, time: time)
            nextID += 1
            if configuration.hitsToConfirm <= 1 { track.isConfirmed = true }
            tracks.append(track)
            observed.append(track)
        }
        return Update(observed: observed, removed: removed)
    }
}
