import Foundation
import FootfallTestSupport
import Testing
@testable import Alerting

/// The anomaly rule on synthetic footfall: a weekly profile with noise, four weeks of history,
/// no false alarm over a whole normal week, and planted anomalies found.
struct CountAnomalyTests {
    /// People in during hour `h` (0–167) of a week: closed at night, peaks at noon and 17:00,
    /// busier on Saturday; Poisson noise by a normal approximation.
    static func count(hour h: Int, using generator: inout SeededRandom) -> Double {
        let day = h / 24, hourOfDay = h % 24
        guard (8..<21).contains(hourOfDay) else { return Double(Int.random(in: 0...2, using: &generator)) }
        let peaks = 60 * exp(-pow(Double(hourOfDay - 12), 2) / 4) + 80 * exp(-pow(Double(hourOfDay - 17), 2) / 3)
        let mean = (40 + peaks) * (day == 5 ? 1.6 : 1)
        // Box–Muller: a standard normal from two uniforms.
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator), u2 = Double.random(in: 0..<1, using: &generator)
        let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        return max(0, (mean + normal * mean.squareRoot()).rounded())
    }

    static func weeks(_ count: Int, seed: UInt64) -> [[Double]] {
        var generator = SeededRandom(seed: seed)
        return (0..<count).map { _ in (0..<168).map { Self.count(hour: $0, using: &generator) } }
    }

    /// Ten normal weeks (1,680 hours), each judged against its own four weeks before, at the
    /// default of 4 deviations (at 3.5, one of these hours alarms: a genuine 3.8-deviation hour).
    @Test(arguments: 1...10 as ClosedRange<UInt64>)
    func aNormalWeekRaisesNoAlarm(seed: UInt64) {
        let all = Self.weeks(5, seed: seed)
        let history = Array(all[0..<4]), week = all[4]
        var alarms: [Int] = []
        for hour in 0..<168 {
            let anomaly = CountAnomaly(current: week[hour], history: history.map { $0[hour] })!
            if anomaly.isAnomalous(threshold: 4, minimumVolume: 20) { alarms.append(hour) }
        }
        #expect(alarms.isEmpty, "false alarms at hours \(alarms)")
    }

    @Test func plantedAnomaliesAreFoundEitherWay() {
        let history = Self.weeks(4, seed: 7)
        // Saturday 17:00 (a door blocked: a third of the usual people), Tuesday 12:00 (a crowd: twice the usual).
        let saturday = 5 * 24 + 17, tuesday = 1 * 24 + 12
        let usual = { (hour: Int) in CountAnomaly.median(history.map { $0[hour] }) }
        let blocked = CountAnomaly(current: (usual(saturday) / 3).rounded(), history: history.map { $0[saturday] })!
        #expect(blocked.isAnomalous(threshold: 4, minimumVolume: 20) && blocked.deviations < 0)
        let crowd = CountAnomaly(current: usual(tuesday) * 2, history: history.map { $0[tuesday] })!
        #expect(crowd.isAnomalous(threshold: 4, minimumVolume: 20) && crowd.deviations > 0)
    }

    @Test func quietHoursAndShortHistoriesAreNeverAnomalies() {
        // 2 people usually, 12 now: many deviations, but below the minimum volume.
        let quiet = CountAnomaly(current: 12, history: [2, 2, 2, 2])!
        #expect(quiet.deviations > 4 && !quiet.isAnomalous(threshold: 4, minimumVolume: 20))
        #expect(CountAnomaly(current: 100, history: [10, 10]) == nil)
        // One holiday in the history does not move the median.
        let robust = CountAnomaly(current: 100, history: [100, 0, 104, 97])!
        #expect(robust.median == 98.5 && !robust.isAnomalous(threshold: 4, minimumVolume: 20))
    }
}
