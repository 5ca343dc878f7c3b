import CountingCore
import Foundation
import Storage

/// Today's totals of each line, as the dashboard shows them: they count from the start of the
/// current UTC day and start again from zero at midnight.
///
/// The counting engine counts since its run started. `base` holds what came before: the
/// crossings already stored today when the run started (by an earlier run or another worker),
/// or, after midnight, minus the engine's totals at midnight.
struct LiveTotals: Equatable {
    /// The UTC day the totals belong to.
    private(set) var day: Date
    private var base: [String: CrossingTotals]

    /// Totals for the day of `start`, beginning from the crossings already stored that day.
    init(start: Date, stored: [String: CrossingTotals]) {
        self.day = Self.utcDay(of: start)
        self.base = stored
    }

    /// Midnight (UTC) at the start of the day of `date`.
    static func utcDay(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }

    /// Today's totals of `line`, given the engine's totals of it since the run started.
    func today(line: String, engineIn: Int, engineOut: Int) -> CrossingTotals {
        let before = base[line] ?? CrossingTotals()
        return CrossingTotals(countIn: before.countIn + engineIn, countOut: before.countOut + engineOut)
    }

    /// Starts a new day if `now` is on a later UTC day than the totals. The engine's totals
    /// before this frame's crossings become the new (negative) base, so this frame's crossings
    /// are the new day's first. Returns whether a new day started.
    mutating func rollOver(at now: Date, engine counters: [LineCounter], crossings: [LineCrossing]) -> Bool {
        let today = Self.utcDay(of: now)
        guard today > day else { return false }
        day = today
        base = [:]
        for counter in counters {
            var before = CrossingTotals(countIn: counter.totalIn, countOut: counter.totalOut)
            for crossing in crossings where crossing.line == counter.line.name {
                switch crossing.direction {
                case .in: before.countIn -= 1
                case .out: before.countOut -= 1
                }
            }
            base[counter.line.name] = CrossingTotals(countIn: -before.countIn, countOut: -before.countOut)
        }
        return true
    }

    /// After the lines changed: each line's base becomes what keeps its total for today where
    /// it was: `today` (the totals just before the change) minus what the engine's counters now
    /// hold (unchanged lines keep their counters; new or moved ones start from zero).
    mutating func rebase(today: [String: CrossingTotals], engine counters: [LineCounter]) {
        base = [:]
        for counter in counters {
            let before = today[counter.line.name] ?? CrossingTotals()
            base[counter.line.name] = CrossingTotals(countIn: before.countIn - counter.totalIn,
                                                     countOut: before.countOut - counter.totalOut)
        }
    }
}
