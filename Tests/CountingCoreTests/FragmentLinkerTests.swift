import CountingCore
import Testing

/// Crossings during which the tracker lost the person, counted from the two fragments of track.
/// Each scene is a failure seen on the MOT15 sequences, replayed as synthetic detections: a
/// person walks right across a door line at x = 300 (150 pixels per second at 25 frames/s),
/// the detector misses them near the line, and they come back with a box that no longer
/// overlaps the tracker's prediction (partly hidden, or split from a group), so the tracker
/// starts a new track.
struct FragmentLinkerTests {
    let door = CountingLine(name: "door", a: Point(x: 300, y: 0), b: Point(x: 300, y: 600))
    let fps = 25.0

    /// A 40×100 person whose feet are at (x, y).
    func person(_ x: Double, _ y: Double = 300) -> Detection {
        Detection(box: Box(x: x - 20, y: y - 100, width: 40, height: 100), confidence: 0.9)
    }

    func walk(from: Double, to: Double, y: Double = 300, speed: Double = 6) -> [[Detection]] {
        let steps = Int((abs(to - from) / speed).rounded(.up))
        return (0...steps).map { [person(from + (to > from ? 1 : -1) * Double($0) * speed, y)] }
    }

    func run(_ frames: [[Detection]], configuration: CountingConfiguration = .init()) -> (engine: CountingEngine, crossings: [LineCrossing]) {
        var engine = CountingEngine(geometry: Geometry(lines: [door]), configuration: configuration)
        var found: [LineCrossing] = []
        for (index, detections) in frames.enumerated() {
            for case .crossing(let crossing) in engine.step(detections: detections, time: Double(index) / fps) {
                found.append(crossing)
            }
        }
        return (engine, found)
    }

    /// Walks to x = 280, is missed for `gap` frames, and comes back past the line 60 pixels
    /// lower (feet at y = 360): the tracker cannot match it to the old track.
    func brokenWalk(gap: Int, resumeAt: Double = 340) -> [[Detection]] {
        walk(from: 160, to: 280) + Array(repeating: [], count: gap) + walk(from: resumeAt, to: 460, y: 360)
    }

    /// The same at a stroll (50 pixels per second): lost at x = 280 for `gap` frames and found
    /// again, 60 pixels lower, where they were heading.
    func slowBrokenWalk(gap: Int) -> [[Detection]] {
        let resumeAt = 280 + 50 * Double(gap + 1) / fps
        return walk(from: 200, to: 280, speed: 2) + Array(repeating: [], count: gap)
            + walk(from: resumeAt, to: resumeAt + 80, y: 360, speed: 2)
    }

    @Test func aCrossingTheTrackerLostIsCountedOnceFromItsTwoFragments() {
        let result = run(brokenWalk(gap: 8))
        #expect(result.crossings.map(\.direction) == [.out])
        let crossing = result.crossings.first
        #expect(crossing?.linkedTrackID == 1)
        #expect(crossing?.trackID == 2)
        #expect(result.engine.lineCounters[0].totalOut == 1)
        // Reported at the time the new track was first seen: after the gap.
        #expect(crossing.map { abs($0.time - Double(21 + 8) / fps) < 1e-9 } == true)
    }

    @Test func withoutLinkingTheSameWalkIsLost() {
        // The scene is one that the tracker alone fails on; otherwise the test above proves nothing.
        let result = run(brokenWalk(gap: 8), configuration: CountingConfiguration(fragmentLinkSeconds: 0))
        #expect(result.crossings.isEmpty)
    }

    @Test func theOldTrackComingBackIsNotCountedAgain() {
        // After the link, the old track is found again where it was heading and walks on over
        // the line beside the new one: its crossing was already counted through the link.
        var frames = walk(from: 160, to: 280) + Array(repeating: [], count: 8)
        let newcomer = walk(from: 340, to: 460, y: 360)
        // The new track is confirmed (0.2 s) and linked before the old one is found again.
        frames += newcomer.prefix(8)
        frames += zip(newcomer.dropFirst(8), walk(from: 380, to: 470)).map { $0 + $1 }
        let result = run(frames)
        #expect(result.crossings.count == 1)
        #expect(result.engine.lineCounters[0].totalOut == 1)
        // The old track did come back: two tracks were alive at the end.
        #expect(result.engine.tracks.count == 2)
    }

    @Test func aGapJustUnderTheLinkTimeIsBridged() {
        // 0.96 s: the old track is removed by the tracker (1 s) before the new one is confirmed
        // (0.2 s after it appeared); the linker still remembers it.
        let result = run(slowBrokenWalk(gap: 23))
        #expect(result.crossings.map(\.direction) == [.out])
        #expect(result.crossings.first?.linkedTrackID == 1)
    }

    @Test func onlyTheOneReturnIsSkippedAndLaterCrossingsCount() {
        // As above; then the old track walks back in through the door and out again: both count.
        var frames = walk(from: 160, to: 280) + Array(repeating: [], count: 8)
        let newcomer = walk(from: 340, to: 460, y: 360)
        frames += newcomer.prefix(8)
        frames += zip(newcomer.dropFirst(8), walk(from: 380, to: 470)).map { $0 + $1 }
        frames += walk(from: 452, to: 200) + walk(from: 200, to: 460)
        let result = run(frames)
        #expect(result.crossings.map(\.direction) == [.out, .in, .out])
        #expect(result.engine.lineCounters[0].totalOut == 2)
        #expect(result.engine.lineCounters[0].totalIn == 1)
    }

    @Test func aGapLongerThanTheLinkTimeIsNotBridged() {
        // 1.64 s, with the tracker keeping lost tracks for 3 s so that only the link time decides.
        var configuration = CountingConfiguration()
        configuration.tracker.maximumLostSeconds = 3
        #expect(run(slowBrokenWalk(gap: 40), configuration: configuration).crossings.isEmpty)
        configuration.fragmentLinkSeconds = 2
        #expect(run(slowBrokenWalk(gap: 40), configuration: configuration).crossings.count == 1)
    }

    @Test func aNewTrackOnTheSameSideIsNotLinked() {
        // Someone else appears behind the lost person, on the side they came from.
        let frames = walk(from: 160, to: 280) + Array(repeating: [], count: 8) + walk(from: 260, to: 140, y: 360)
        #expect(run(frames).crossings.isEmpty)
    }

    @Test func aTrackThatWasWalkingAwayFromTheLineIsNotLinked() {
        // The lost person was walking left, away from the door; a new person appears across it.
        let frames = walk(from: 290, to: 230) + Array(repeating: [], count: 8) + walk(from: 320, to: 440, y: 360)
        #expect(run(frames).crossings.isEmpty)
    }

    @Test func aNewTrackFarFromTheLineIsNotLinked() {
        // Appearing 2.6 box heights past the door is a different person coming into view.
        #expect(run(brokenWalk(gap: 8, resumeAt: 560)).crossings.isEmpty)
    }

    @Test func eachEndedTrackIsLinkedOnce() {
        // Two new tracks appear across the line after one person was lost: only one is that person.
        var frames = walk(from: 160, to: 280) + Array(repeating: [], count: 8)
        frames += zip(walk(from: 340, to: 460, y: 360), walk(from: 345, to: 465, y: 240)).map { $0 + $1 }
        let result = run(frames)
        #expect(result.engine.lineCounters[0].totalOut == 1)
    }

    @Test func removedTracksAreForgottenAfterTheLinkTime() {
        var engine = CountingEngine(geometry: Geometry(lines: [door]))
        var time = 0.0
        for detections in brokenWalk(gap: 8) {
            _ = engine.step(detections: detections, time: time)
            time += 1 / fps
        }
        #expect(engine.retainedTrackStates > 0)
        // The last track is removed by the tracker 1 s after it was last seen, and forgotten by
        // the linker 1.2 s after (the link time plus the confirmation time).
        let lastSeen = time - 1 / fps
        while time < lastSeen + 1.1 {
            _ = engine.step(detections: [], time: time)
            time += 1 / fps
        }
        #expect(engine.tracks.isEmpty)
        #expect(engine.retainedTrackStates > 0)
        while time < lastSeen + 1.3 {
            _ = engine.step(detections: [], time: time)
            time += 1 / fps
        }
        #expect(engine.retainedTrackStates == 0)
    }

    @Test func theCountingDelayIsTheConfirmationPlusTheLinkTime() {
        #expect(CountingConfiguration().countingDelaySeconds == 1.2)
        #expect(CountingConfiguration(fragmentLinkSeconds: 0).countingDelaySeconds == 0.2)
        // A hand-over is reported when the lost track is removed.
        #expect(CountingConfiguration(tracker: TrackerConfiguration(maximumLostSeconds: 1.5)).countingDelaySeconds == 1.5)
    }

    /// The broken walk with a colour signature on each detection: `before` on the first
    /// fragment, `after` on the second.
    func signedBrokenWalk(before: Appearance, after: Appearance) -> [[Detection]] {
        let first = walk(from: 160, to: 280).count
        return brokenWalk(gap: 8).enumerated().map { index, detections in
            detections.map { Detection(box: $0.box, confidence: $0.confidence, appearance: index < first ? before : after) }
        }
    }

    /// Two fragments that look unalike are two people, not one crossing; alike, they link.
    /// Re-identification is off, so that only the linker can join them.
    @Test func fragmentsThatLookUnalikeAreNotLinked() {
        var configuration = CountingConfiguration()
        configuration.tracker.appearanceRecoveryDistance = 0
        let red = AppearanceTests.signature(upper: 0, lower: 8)
        let green = AppearanceTests.signature(upper: 4, lower: 4)
        #expect(run(signedBrokenWalk(before: red, after: green), configuration: configuration).crossings.isEmpty)
        let alike = run(signedBrokenWalk(before: red, after: red), configuration: configuration).crossings
        #expect(alike.map(\.direction) == [.out])
        #expect(alike.first?.linkedTrackID == 1)
    }

    /// A person walks right to x = 280 and is missed. Meanwhile the detector boxes them smaller
    /// (60 pixels high, too unlike the track to take it under `sized`), and that box starts a
    /// new track, at `offset` from where they were lost, which walks over the line and counts.
    /// Then the full-size box comes back where the old track was heading, across the line, and
    /// takes the old track again.
    func replacedWalk(offset: Point = Point(x: 6, y: 0)) -> [[Detection]] {
        let before = walk(from: 160, to: 280)
        let small = (0..<10).map { step -> [Detection] in
            let x = 280 + offset.x + 6 * Double(step), y = 300 + offset.y
            return [Detection(box: Box(x: x - 12, y: y - 60, width: 24, height: 60), confidence: 0.9)]
        }
        return before + small + [[person(280 + 6 * Double(small.count + 1))]]
    }

    /// Matches by overlap limited to boxes within 1.5 × of the track's height, as for the
    /// trained detector.
    var sized: CountingConfiguration {
        var configuration = CountingConfiguration()
        configuration.tracker.maximumSizeChange = 1.5
        return configuration
    }

    @Test func aTrackFoundAgainDoesNotCountWhatItsReplacementCounted() {
        let result = run(replacedWalk(), configuration: sized)
        // The replacement (track 2) counts; the old track, found again, does not count again.
        #expect(result.crossings.map(\.trackID) == [2])
        #expect(result.engine.lineCounters[0].totalOut == 1)
        #expect(result.engine.tracks.contains { $0.id == 1 && $0.detection.height == 100 })

        var unchecked = sized
        unchecked.skipsReturnsOfReplacedTracks = false
        #expect(run(replacedWalk(), configuration: unchecked).crossings.map(\.trackID) == [2, 1])
    }

    /// The same, but the new track starts 1.5 box heights below where the old one was lost:
    /// someone else, whose crossing does not stand for the old track's.
    @Test func aNewTrackFarFromWhereTheOldOneWasLostIsSomeoneElse() {
        let result = run(replacedWalk(offset: Point(x: 6, y: 150)), configuration: sized)
        #expect(result.crossings.map(\.trackID) == [2, 1])
        #expect(result.engine.lineCounters[0].totalOut == 2)
    }

    /// A confirmed 40×100 track whose feet are at (x, y), seen at `time`.
    func track(_ id: Int, _ x: Double, _ y: Double = 300, at time: Double) -> Track {
        var track = Track(id: id, box: Box(x: x - 20, y: y - 100, width: 40, height: 100), score: 0.9, time: time)
        track.isConfirmed = true
        return track
    }

    func taken(_ linker: inout FragmentLinker, trackID: Int, line: CountingLine, direction: CrossingDirection,
               time: Double) -> Bool {
        linker.takeReplaced(trackID: trackID, line: line, direction: direction, time: time)
    }

    /// A track's first observation, confirmed at once.
    func begin(_ linker: inout FragmentLinker, _ id: Int, _ x: Double, _ y: Double = 300, at time: Double,
               previousStep: Double?) {
        linker.observe(track(id, x, y, at: time), previousStep: previousStep)
        _ = linker.confirm(track(id, x, y, at: time), counters: [], band: 0.1, crossedBefore: [])
    }

    /// The linker's view of a replaced track: track 1 is seen at 0 and 0.04 s, missed at 0.08,
    /// when track 2 starts 4 pixels from where it was last seen, and found again at 0.12.
    func replacedScene(_ linker: inout FragmentLinker) {
        begin(&linker, 1, 280, at: 0, previousStep: nil)
        linker.observe(track(1, 286, at: 0.04), previousStep: 0)
        begin(&linker, 2, 290, at: 0.08, previousStep: 0.04)
        linker.observe(track(1, 310, at: 0.12), previousStep: 0.08)
    }

    /// The old track, found again, counts first; the replacement's crossing, held until it was
    /// confirmed, is the one left out, once.
    @Test func whicheverOfTheTwoIsCountedSecondIsLeftOut() {
        var linker = FragmentLinker(linkSeconds: 1, reach: 1, confirmationSeconds: 0.2)
        replacedScene(&linker)
        #expect(!taken(&linker, trackID: 1, line: door, direction: .out, time: 0.12))
        linker.noteCounted(trackID: 1, line: door, direction: .out, time: 0.12)
        #expect(!taken(&linker, trackID: 2, line: door, direction: .in, time: 0.1))
        #expect(taken(&linker, trackID: 2, line: door, direction: .out, time: 0.1))
        #expect(!taken(&linker, trackID: 2, line: door, direction: .out, time: 0.1))
    }

    /// The replacement counts first. A crossing the old track made by the time it was lost (one
    /// a tentative track held, say), or a step after it was found again, is its own; the one it
    /// makes as it is found again is not.
    @Test func onlyACrossingAfterTheLossIsTakenForTheReplacements() {
        var linker = FragmentLinker(linkSeconds: 1, reach: 1, confirmationSeconds: 0.2)
        replacedScene(&linker)
        linker.noteCounted(trackID: 2, line: door, direction: .out, time: 0.1)
        #expect(!taken(&linker, trackID: 1, line: door, direction: .out, time: 0.04))
        #expect(!taken(&linker, trackID: 1, line: door, direction: .out, time: 0.16))
        #expect(taken(&linker, trackID: 1, line: door, direction: .out, time: 0.12))
    }

    /// Two tracks lost at the same place and one replacement: it answers for one of them.
    @Test func oneCountedCrossingAnswersForOneReturn() {
        var linker = FragmentLinker(linkSeconds: 1, reach: 1, confirmationSeconds: 0.2)
        for id in [1, 2] {
            begin(&linker, id, 280, 300 + 20 * Double(id - 1), at: 0, previousStep: nil)
        }
        begin(&linker, 3, 285, at: 0.04, previousStep: 0)
        linker.noteCounted(trackID: 3, line: door, direction: .out, time: 0.04)
        linker.observe(track(1, 310, at: 0.08), previousStep: 0.04)
        linker.observe(track(2, 310, 320, at: 0.08), previousStep: 0.04)
        #expect(taken(&linker, trackID: 1, line: door, direction: .out, time: 0.08))
        #expect(!taken(&linker, trackID: 2, line: door, direction: .out, time: 0.08))
    }

    /// The check keeps its books with the linker's: with linking off it never applies.
    @Test func withoutLinkingTheCheckNeverApplies() {
        var linker = FragmentLinker(linkSeconds: 0, reach: 1, confirmationSeconds: 0.2)
        replacedScene(&linker)
        linker.noteCounted(trackID: 2, line: door, direction: .out, time: 0.1)
        #expect(!taken(&linker, trackID: 1, line: door, direction: .out, time: 0.12))
    }

    /// A track that was already there when the old one was lost is someone else, however near.
    @Test func aTrackStartedBeforeTheLossIsNoReplacement() {
        var linker = FragmentLinker(linkSeconds: 1, reach: 1, confirmationSeconds: 0.2)
        for id in [1, 2] {
            begin(&linker, id, 280 + 10 * Double(id - 1), at: 0, previousStep: nil)
        }
        linker.observe(track(2, 296, at: 0.04), previousStep: 0)
        linker.noteCounted(trackID: 2, line: door, direction: .out, time: 0.04)
        linker.observe(track(1, 310, at: 0.08), previousStep: 0.04)
        #expect(!taken(&linker, trackID: 1, line: door, direction: .out, time: 0.08))
    }

    /// The other order through the engine: the new track, on the smaller box, crosses while
    /// tentative; the old track is found again across the line and counts; when the new track
    /// is confirmed, the crossing it held is not counted again.
    @Test func aReplacementConfirmedAfterTheOldTrackCameBackDoesNotCountAgain() {
        func small(_ x: Double) -> Detection {
            Detection(box: Box(x: x - 12, y: 240, width: 24, height: 60), confidence: 0.9)
        }
        // Lost after frame 20 at x = 280; the small box from frame 21 at x = 292, crossing at 23
        // (its band is 6 pixels each side); the old track's box back at frame 24 at x = 312.
        let frames = walk(from: 160, to: 280)
            + (21...23).map { [small(292 + 8 * Double($0 - 21))] }
            + (24...30).map { [person(312 + 6 * Double($0 - 24)), small(292 + 8 * Double($0 - 21))] }
        let result = run(frames, configuration: sized)
        #expect(result.crossings.map(\.trackID) == [1])
        #expect(result.engine.tracks.contains { $0.id == 2 && $0.isConfirmed })
        var unchecked = sized
        unchecked.skipsReturnsOfReplacedTracks = false
        #expect(run(frames, configuration: unchecked).crossings.map(\.trackID) == [1, 2])
    }

    /// A hand-over on the line (ADL-Rundle-6, person 17 at x = 960): a second box appears on
    /// the person just ahead of the first, already inside the line's band, and starts a track;
    /// the first track is lost inside the band, and the second walks on. Neither track was on
    /// both sides. The first box's feet at x = 262…298 in the seven frames both are seen (its
    /// last ones in the band, 10 pixels each side of x = 300), the second box's from x = 294,
    /// 30 pixels lower.
    func handOverWalk(secondWalksBack: Bool = false) -> [[Detection]] {
        let first = walk(from: 160, to: 296)
        let overlap = 7
        var frames = Array(first.dropLast(overlap))
        let starts = first.count - overlap
        for step in 0..<overlap {
            frames.append(first[starts + step] + [person(294 + 6 * Double(step) * (secondWalksBack ? -1 : 1), 330)])
        }
        let lastX = 294 + 6 * Double(overlap - 1) * (secondWalksBack ? -1 : 1)
        let onward = secondWalksBack ? walk(from: lastX - 6, to: lastX - 150, y: 330) : walk(from: lastX + 6, to: lastX + 150, y: 330)
        return frames + onward + Array(repeating: [], count: 30)
    }

    @Test func aTrackThatTookThePersonOverOnTheLineCountsTheCrossingOnce() {
        let result = run(handOverWalk())
        #expect(result.crossings.map(\.direction) == [.out])
        #expect(result.crossings.first?.trackID == 2)
        #expect(result.crossings.first?.linkedTrackID == 1)
        #expect(result.engine.lineCounters[0].totalOut == 1 && result.engine.lineCounters[0].totalIn == 0)
        // Without linking the scene counts nothing: neither track crossed on its own.
        #expect(run(handOverWalk(), configuration: CountingConfiguration(fragmentLinkSeconds: 0)).crossings.isEmpty)
    }

    @Test func someoneWalkingTheOtherWayDoesNotTakeOver() {
        // The second box belongs to a person walking back from the line: not the same person.
        let result = run(handOverWalk(secondWalksBack: true))
        #expect(result.crossings.isEmpty)
        // Someone already across the line, walking slowly towards it while the first person
        // is lost on it: on the other side all along, but moving the other way.
        let first = walk(from: 160, to: 296)
        let appears = first.count - 7
        var frames: [[Detection]] = []
        for index in 0..<(first.count + 30) {
            var detections: [Detection] = index < first.count ? first[index] : []
            if index >= appears { detections.append(person(345 - 0.8 * Double(index - appears), 330)) }
            frames.append(detections)
        }
        #expect(run(frames).crossings.isEmpty)
    }

    /// A track that completed a crossing through a link answers for it, and takes over no
    /// other on the same line: track 3 starts across the line just after track 1 is lost
    /// there (a link), while track 2, on the same person, is seen on the near side a little
    /// longer.
    @Test func aTrackThatCompletedALinkTakesNothingOverOnTheSameLine() {
        var linker = FragmentLinker(linkSeconds: 1, reach: 1, confirmationSeconds: 0.2)
        var counter = LineCounter(line: door)
        func see(_ id: Int, _ x: Double, at time: Double, previous: Double?) {
            var seen = track(id, x, at: time)
            seen.velocity = Point(x: 150, y: 0)
            linker.observe(seen, previousStep: previous)
            _ = counter.observe(trackID: id, point: seen.box.bottomCenter, band: 10)
            // Confirmed at once, with no line to link across.
            if previous == nil { _ = linker.confirm(seen, counters: [], band: 0.1, crossedBefore: []) }
        }
        see(2, 200, at: -0.4, previous: nil)
        see(1, 220, at: -0.3, previous: nil)
        see(1, 280, at: 0, previous: -0.04)
        var started = track(3, 320, at: 0.05)
        started.velocity = Point(x: 150, y: 0)
        linker.observe(started, previousStep: 0.04)
        _ = counter.observe(trackID: 3, point: started.box.bottomCenter, band: 10)
        let links = linker.confirm(started, counters: [counter], band: 0.1, crossedBefore: [])
        #expect(links.map(\.endedTrackID) == [1])
        see(2, 280, at: 0.1, previous: 0.06)
        #expect(linker.handOver(endedTrackID: 2, counters: [counter], band: 0.1).isEmpty)
    }
}
