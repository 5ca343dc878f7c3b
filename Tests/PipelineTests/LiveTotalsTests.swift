import CountingCore
import Foundation
import Storage
import Testing

@testable import Pipeline

struct LiveTotalsTests {
    static let day = Date(timeIntervalSince1970: 1_800_000_000 - 1_800_000_000.truncatingRemainder(dividingBy: 86_400))

    /// A line counter that has counted `ins` and `outs` since its run started.
    static func counter(_ name: String, ins: Int, outs: Int) -> LineCounter {
        var counter = LineCounter(line: CountingLine(name: name, a: Point(x: 0, y: 0), b: Point(x: 0, y: 10)))
        for _ in 0..<ins { _ = counter.commit(.in) }
        for _ in 0..<outs { _ = counter.commit(.out) }
        return counter
    }

    @Test func todayAddsTheStoredCrossingsToTheEngineTotals() {
        let totals = LiveTotals(start: Self.day.addingTimeInterval(3_600), stored: ["door": CrossingTotals(countIn: 5, countOut: 2)])
        #expect(totals.day == Self.day)
        #expect(totals.today(line: "door", engineIn: 3, engineOut: 1) == CrossingTotals(countIn: 8, countOut: 3))
        #expect(totals.today(line: "gate", engineIn: 1, engineOut: 0) == CrossingTotals(countIn: 1, countOut: 0))
    }

    @Test func atMidnightTotalsStartAgainWithThisFramesCrossings() {
        var totals = LiveTotals(start: Self.day.addingTimeInterval(86_000), stored: ["door": CrossingTotals(countIn: 5, countOut: 2)])
        let beforeMidnight = totals.rollOver(at: Self.day.addingTimeInterval(86_399), engine: [], crossings: [])
        #expect(!beforeMidnight)
        // The engine has counted 4 in and 1 out in this run; the frame after midnight holds one more "in".
        let crossing = LineCrossing(line: "door", direction: .in, trackID: 7, time: 400, totalIn: 4, totalOut: 1)
        let next = Self.day.addingTimeInterval(86_400.5)
        let afterMidnight = totals.rollOver(at: next, engine: [Self.counter("door", ins: 4, outs: 1)], crossings: [crossing])
        #expect(afterMidnight)
        #expect(totals.day == Self.day.addingTimeInterval(86_400))
        #expect(totals.today(line: "door", engineIn: 4, engineOut: 1) == CrossingTotals(countIn: 1, countOut: 0))
        #expect(totals.today(line: "door", engineIn: 6, engineOut: 3) == CrossingTotals(countIn: 3, countOut: 2))
        // Only once per day.
        let again = totals.rollOver(at: next.addingTimeInterval(10), engine: [Self.counter("door", ins: 6, outs: 3)], crossings: [])
        #expect(!again)
    }
}

struct StatusChangeFilterTests {
    @Test func onlyChangesOfStatusOrReasonPass() {
        var filter = StatusChangeFilter()
        let reported: [(CameraStatus, String?)] = [(.connecting, nil), (.connecting, nil), (.online, nil),
                                                    (.offline, "stream ended"), (.offline, "lost the lease"),
                                                    (.offline, "lost the lease")]
        let passed = reported.map { filter.isChange($0.0, reason: $0.1) }
        #expect(passed == [true, false, true, true, true, false])
        #expect(filter.last == .offline && filter.lastReason == "lost the lease")
    }
}

struct CrossingOutboxTests {
    static func crossing(_ number: Int) -> CrossingRecord {
        CrossingRecord(id: "c\(number)", cameraID: "door", line: "entrance", direction: .in, trackID: number,
                       time: Date(timeIntervalSince1970: 1_800_000_000 + Double(number)))
    }

    @Test func aFailedDeliveryKeepsTheCrossingsUpToTheCapacityDroppingTheOldest() {
        var outbox = CrossingOutbox(capacity: 3)
        for number in 1...2 { outbox.add(Self.crossing(number)) }
        let droppedAtFirst = outbox.failed()
        #expect(droppedAtFirst == 0)
        #expect(outbox.pending.map(\.id) == ["c1", "c2"])
        for number in 3...5 { outbox.add(Self.crossing(number)) }
        let droppedBeyondCapacity = outbox.failed()
        #expect(droppedBeyondCapacity == 2)
        #expect(outbox.pending.map(\.id) == ["c3", "c4", "c5"])
        outbox.delivered()
        #expect(outbox.isEmpty)
    }

    @Test func aRefusalGivesEverythingUp() {
        var outbox = CrossingOutbox()
        for number in 1...4 { outbox.add(Self.crossing(number)) }
        let refused = outbox.refused()
        #expect(refused == 4)
        #expect(outbox.isEmpty)
    }
}

struct FrameRateMeterTests {
    @Test func averagesOverWindowsOfStreamTime() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var meter = FrameRateMeter(start: start, window: 2)
        var reported: [Double] = []
        for frame in 1...50 {
            if let rate = meter.frame(at: start.addingTimeInterval(Double(frame) * 0.1)) { reported.append(rate) }
        }
        #expect(reported.count == 2)
        #expect(reported.allSatisfy { abs($0 - 10) < 1e-9 })
        #expect(meter.framesPerSecond == reported.last)
    }
}
