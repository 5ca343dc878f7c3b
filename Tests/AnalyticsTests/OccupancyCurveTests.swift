import Analytics
import Foundation
import Testing

/// A synthetic shop day with known truth: people come and go, all are gone after closing, and
/// the counter misses one person leaving in twelve.
struct OccupancyCurveTests {
    static let open = Date(timeIntervalSince1970: 1_800_000_000)

    /// True people in and out per hour over 14 hours; by the end everyone has left.
    static let truth: [(countIn: Int, countOut: Int)] = [
        (30, 2), (55, 20), (70, 48), (90, 75), (120, 100), (80, 110), (60, 70),
        (75, 60), (110, 90), (130, 120), (70, 110), (40, 75), (10, 38), (0, 22),
    ]

    @Test func theCorrectedCurveEndsAtZeroAndIsCloserToTheTruth() {
        #expect(Self.truth.reduce(0) { $0 + $1.countIn - $1.countOut } == 0, "the synthetic day balances")
        var missed = 0, seen = 0
        let counted = Self.truth.map { hour -> (Int, Int) in
            var out = 0
            for _ in 0..<hour.countOut {
                seen += 1
                if seen % 12 == 0 { missed += 1 } else { out += 1 }
            }
            return (hour.countIn, out)
        }
        let curve = OccupancyCurve(counted.enumerated().map { (end: Self.open.addingTimeInterval(Double($0.offset + 1) * 3_600),
                                                               countIn: $0.element.0, countOut: $0.element.1) })
        // 940 people left; one in twelve of them was missed.
        #expect(curve.imbalance == missed && missed == 940 / 12)
        #expect(abs(curve.imbalanceShare - 78.0 / 940.0) < 1e-12)
        #expect(curve.points.last?.raw == 78 && curve.points.last?.corrected == 0)
        var level = 0
        var rawError = 0.0, correctedError = 0.0
        for (point, hour) in zip(curve.points, Self.truth) {
            level += hour.countIn - hour.countOut
            rawError += abs(point.raw - Double(level))
            correctedError += abs(point.corrected - Double(level))
        }
        #expect(correctedError < rawError / 3, "raw off by \(rawError) person-hours, corrected by \(correctedError)")
    }

    @Test func aDayWithoutPeopleIsFlatAndBalanced() {
        let curve = OccupancyCurve([(end: Self.open, countIn: 0, countOut: 0)])
        #expect(curve.imbalanceShare == 0 && curve.points.map(\.corrected) == [0])
    }
}
