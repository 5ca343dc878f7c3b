import CountingCore
import Foundation
import Storage
import Testing

@testable import Pipeline

/// Minute figures written as a run's figures so far: written once closed, again when they grow
/// late or the store refused them, and as parts to add once forgotten.
struct MinuteAccumulatorTests {
    static let geometry = Geometry(lines: [CountingLine(name: "door", a: Point(x: 100, y: 0), b: Point(x: 100, y: 300))],
                                   zones: [Zone(name: "hall", polygon: [Point(x: 0, y: 0), Point(x: 90, y: 0),
                                                                         Point(x: 90, y: 300), Point(x: 0, y: 300)])])
    static let minute0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func at(_ seconds: Double) -> Date { minute0.addingTimeInterval(seconds) }

    @Test func aClosedMinuteIsWrittenOnceWithTheRunAndAgainWholeWhenAVisitEndsInItLate() {
        var minutes = MinuteAccumulator(cameraID: "cam", geometry: Self.geometry)
        minutes.addCrossing(line: "door", direction: .in, at: Self.at(10))
        minutes.addFrame(occupancies: [2], at: Self.at(10))
        #expect(minutes.drainMinutes(endingBy: Self.at(59), runID: "r1").isEmpty, "the minute is still open")
        minutes.addFrame(occupancies: [1], at: Self.at(61))
        let first = minutes.drainMinutes(endingBy: Self.at(61), runID: "r1")
        #expect(first.map(\.name) == ["door", "hall"])
        #expect(first.allSatisfy { $0.runID == "r1" && $0.minute == Self.minute0 })
        #expect(first[0].countIn == 1)
        #expect(minutes.drainMinutes(endingBy: Self.at(62), runID: "r1").isEmpty, "written already")

        // A visit that ended in minute 0, reported after it was written: the whole minute again.
        minutes.addVisit(zone: "hall", seconds: 7, endedAt: Self.at(58))
        let again = minutes.drainMinutes(endingBy: Self.at(63), runID: "r1")
        #expect(again.count == 2)
        let hall = again.first { $0.name == "hall" }
        #expect(hall?.dwellSeconds == [7])
        #expect(hall?.occupancySamples == 1 && hall?.occupancySum == 2)
        #expect(again.first { $0.name == "door" }?.countIn == 1)
    }

    @Test func minutesTheStoreRefusedAreWrittenAgainAfterTheRetryTime() {
        var minutes = MinuteAccumulator(cameraID: "cam", geometry: Self.geometry)
        minutes.addCrossing(line: "door", direction: .out, at: Self.at(5))
        minutes.addFrame(occupancies: [0], at: Self.at(5))
        let refused = minutes.drainMinutes(endingBy: Self.at(60), runID: "r1")
        #expect(refused.count == 2)
        minutes.notWritten(refused, retryAt: Self.at(70))
        #expect(minutes.drainMinutes(endingBy: Self.at(65), runID: "r1").isEmpty, "not before the retry time")
        #expect(minutes.drainMinutes(endingBy: Self.at(70), runID: "r1") == refused)
    }

    @Test func minutesRefusedForLongerThanTheyAreKeptAreStillWrittenWhole() {
        var minutes = MinuteAccumulator(cameraID: "cam", geometry: Self.geometry)
        minutes.addCrossing(line: "door", direction: .in, at: Self.at(5))
        // The store stays down for ten minutes: every attempt is refused.
        var refused: [CountingResult] = []
        var time = 60.0
        while time <= 660 {
            minutes.addFrame(occupancies: [0], at: Self.at(time))
            let attempt = minutes.drainMinutes(endingBy: Self.at(time), runID: "r1")
            if !attempt.isEmpty {
                refused = attempt
                minutes.notWritten(attempt, retryAt: Self.at(time + 10))
            }
            time += 10
        }
        let door = refused.first { $0.minute == Self.minute0 && $0.name == "door" }
        #expect(door?.countIn == 1, "minute 0 is still written whole after ten minutes of refusals")
        #expect(door?.runID == "r1")
    }

    @Test func aMinuteForgottenAndChangedLateIsWrittenAsAPartToAdd() {
        var minutes = MinuteAccumulator(cameraID: "cam", geometry: Self.geometry)
        minutes.addCrossing(line: "door", direction: .in, at: Self.at(5))
        #expect(minutes.drainMinutes(endingBy: Self.at(60), runID: "r1").first?.runID == "r1")
        // Long after: minute 0 is forgotten.
        _ = minutes.drainMinutes(endingBy: Self.at(60 + MinuteAccumulator.keptFor + 60), runID: "r1")
        #expect(minutes.pending.minutes[Self.minute0] == nil)
        minutes.addVisit(zone: "hall", seconds: 3, endedAt: Self.at(30))
        let late = minutes.drainMinutes(endingBy: Self.at(60 + MinuteAccumulator.keptFor + 61), runID: "r1")
        #expect(late.count == 1)
        #expect(late.first?.runID == nil)
        #expect(late.first?.dwellSeconds == [3])
        #expect(minutes.pending.minutes[Self.minute0] == nil, "a part written is not kept")
    }

    @Test func theFiguresSurviveACheckpoint() throws {
        var minutes = MinuteAccumulator(cameraID: "cam", geometry: Self.geometry)
        minutes.addCrossing(line: "door", direction: .in, at: Self.at(5))
        minutes.addFrame(occupancies: [3], at: Self.at(5))
        let encoded = try JSONEncoder().encode(minutes.pending)
        var resumed = MinuteAccumulator(cameraID: "cam", geometry: Self.geometry)
        resumed.resume(try JSONDecoder().decode(MinuteAccumulator.Pending.self, from: encoded))
        #expect(resumed.pending == minutes.pending)
        #expect(resumed.drainAll(runID: "r1") == minutes.drainAll(runID: "r1"))
    }
}
