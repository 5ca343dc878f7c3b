import CountingCore
import Testing

/// The tracker's use of colour signatures. A person walks right at 150 pixels per second
/// (25 frames/s), 40×100 pixels, and the detector loses them for a while.
struct TrackerTests {
    let fps = 25.0
    static let red = AppearanceTests.signature(upper: 0, lower: 8)
    static let blue = AppearanceTests.signature(upper: 8, lower: 13)

    func person(_ x: Double, _ y: Double = 300, _ appearance: Appearance?) -> Detection {
        Detection(box: Box(x: x - 20, y: y - 100, width: 40, height: 100), confidence: 0.9, appearance: appearance)
    }

    /// Ids of the tracks observed in each step.
    func run(_ frames: [[Detection]]) -> [[Int]] {
        var tracker = Tracker()
        return frames.enumerated().map { index, detections in
            tracker.step(detections, time: Double(index) / fps).observed.map(\.id)
        }
    }

    /// Walks from x = 100 to x = 250 (26 frames), then is missed for `gap` frames.
    func walkThenLoss(gap: Int, _ appearance: Appearance?) -> [[Detection]] {
        (0...25).map { [person(100 + 6 * Double($0), 300, appearance)] } + Array(repeating: [], count: gap)
    }

    /// Someone else steps in close to where the lost person was heading: without signatures
    /// the tracker gives them the lost person's track; with unlike signatures it does not.
    @Test func aLostPersonsTrackIsNotTakenBySomeoneWhoLooksDifferent() {
        // One frame missed, then someone stands 28 pixels behind where the first was heading
        // (x = 250 + 2 × 6 − 28): too far for their boxes to overlap enough, close enough to be
        // taken for them by distance.
        let withSignatures = run(walkThenLoss(gap: 1, Self.red) + [[person(234, 300, Self.blue)]])
        #expect(withSignatures.last == [2])
        let without = run(walkThenLoss(gap: 1, nil) + [[person(234, 300, nil)]])
        #expect(without.last == [1])
    }

    /// At 5 frames/s a walker's box no longer overlaps its last one, and the speed round
    /// extends the track by distance; someone else who looks different, where the walker was
    /// heading when the walker is missed, does not take the track.
    @Test func theSpeedRoundDoesNotGiveATrackToSomeoneWhoLooksDifferent() {
        func scene(_ walker: Appearance?, _ other: Appearance?) -> [[Int]] {
            var tracker = Tracker()
            // 150 pixels a second for 4 s, then someone else 25 pixels ahead of the prediction.
            var ids: [[Int]] = []
            for frame in 0...20 {
                ids.append(tracker.step([person(100 + 30 * Double(frame), 300, walker)], time: Double(frame) / 5).observed.map(\.id))
            }
            ids.append(tracker.step([person(100 + 30 * 21 + 25, 300, other)], time: 21.0 / 5).observed.map(\.id))
            return ids
        }
        #expect(scene(nil, nil).last == [1])
        #expect(scene(Self.red, Self.red).last == [1])
        #expect(scene(Self.red, Self.blue).last == [2])
    }

    /// A person lost for 0.4 s who stopped and stepped aside while hidden is found a box
    /// height away from the prediction: too far to be recovered by distance alone, near enough
    /// to be re-identified by their colours.
    @Test func aPersonLostBrieflyIsReidentifiedByAppearance() {
        func scene(_ appearance: Appearance?) -> [[Detection]] {
            walkThenLoss(gap: 10, appearance) + (0..<5).map { [person(260, 400 + 2 * Double($0), appearance)] }
        }
        #expect(run(scene(Self.red)).suffix(5).allSatisfy { $0 == [1] })
        #expect(run(scene(nil)).suffix(5).allSatisfy { $0 == [2] })
    }

    /// Re-identification needs alike signatures: someone else in that place starts a track.
    @Test func someoneElseInThatPlaceIsNotReidentified() {
        let frames = walkThenLoss(gap: 10, Self.red) + (0..<5).map { [person(260, 400 + 2 * Double($0), Self.blue)] }
        #expect(run(frames).suffix(5).allSatisfy { $0 == [2] })
    }

    /// People in dark clothes all look alike: such a person is not re-identified by appearance.
    @Test func someoneInDarkClothesIsNotReidentified() {
        let dark = AppearanceTests.signature(upper: 12, lower: 12)
        let frames = walkThenLoss(gap: 10, dark) + (0..<5).map { [person(260, 400 + 2 * Double($0), dark)] }
        #expect(run(frames).suffix(5).allSatisfy { $0 == [2] })
    }

    @Test func aTracksSignatureFollowsItsDetections() {
        var tracker = Tracker()
        _ = tracker.step([person(100, 300, Self.red)], time: 0)
        #expect(tracker.tracks.first?.appearance == Self.red)
        // A tenth of a second later: a fifth of the way to the new signature.
        _ = tracker.step([person(106, 300, Self.blue)], time: 0.1)
        let blended = tracker.tracks.first?.appearance
        #expect(blended.map { abs($0.similarity(to: Self.red.blended(with: Self.blue, weight: 0.2)) - 1) < 1e-6 } == true)
        // A detection without a signature leaves it as it was.
        _ = tracker.step([person(112, 300, nil)], time: 0.2)
        #expect(tracker.tracks.first?.appearance == blended)
    }

    /// A person whose signature changes (they take off a red coat) is followed as fast at
    /// 5 frames/s as at 30: after a second, about as little of the red is left.
    @Test func aSignatureChangesAtTheSamePaceAtEveryFrameRate() throws {
        func redLeft(fps: Double) throws -> Float {
            var tracker = Tracker()
            _ = tracker.step([person(100, 300, Self.red)], time: 0)
            for frame in 1...Int(fps) {
                _ = tracker.step([person(100 + Double(frame) * 30 / fps, 300, Self.blue)], time: Double(frame) / fps)
            }
            return try #require(tracker.tracks.first?.appearance).bins[0]
        }
        let slow = try redLeft(fps: 5), fast = try redLeft(fps: 30)
        #expect(slow > 0.05 && slow < 0.2)
        #expect(abs(slow - fast) < 0.05)
    }

    /// A box 60 % of a track's height that overlaps its prediction well enough to be matched
    /// (here IoU 0.6) is refused by a size limit of 1.5 and starts a track of its own; with no
    /// limit (the default) it takes the track, moving its feet 40 pixels up.
    @Test func aBoxMuchSmallerThanTheTrackDoesNotTakeIt() {
        func scene(_ configuration: TrackerConfiguration) -> (ids: [Int], height: Double?) {
            var tracker = Tracker(configuration: configuration)
            for frame in 0...10 { _ = tracker.step([person(100, 300, nil)], time: Double(frame) / fps) }
            let top = Detection(box: Box(x: 80, y: 200, width: 40, height: 60), confidence: 0.9)
            let observed = tracker.step([top], time: 11 / fps).observed
            return (observed.map(\.id), observed.first { $0.id == 1 }?.detection.height)
        }
        var limited = TrackerConfiguration()
        limited.maximumSizeChange = 1.5
        #expect(scene(limited).ids == [2])
        let taken = scene(TrackerConfiguration())
        #expect(taken.ids == [1])
        #expect(taken.height == 60)
    }
}
