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

    @Test func aTracksSignatureFollowsItsDetections() {
        var tracker = Tracker()
        _ = tracker.step([person(100, 300, Self.red)], time: 0)
        #expect(tracker.tracks.first?.appearance == Self.red)
        _ = tracker.step([person(106, 300, Self.blue)], time: 1 / fps)
        let blended = tracker.tracks.first?.appearance
        #expect(blended.map { abs($0.similarity(to: Self.red.blended(with: Self.blue, weight: 0.2)) - 1) < 1e-6 } == true)
        // A detection without a signature leaves it as it was.
        _ = tracker.step([person(112, 300, nil)], time: 2 / fps)
        #expect(tracker.tracks.first?.appearance == blended)
    }
}
