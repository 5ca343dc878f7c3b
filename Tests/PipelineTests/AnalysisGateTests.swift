import Testing
@testable import Pipeline

struct AnalysisGateTests {
    /// The decisions for a 25 frames/s stream, 5 s long, with the service behind during `behind`.
    func decisions(rate: Double?, minimumRate: Double?, behind: ClosedRange<Double>) -> [AnalysisGate.Decision] {
        var gate = AnalysisGate(rate: rate, minimumRate: minimumRate)
        return (0..<125).map { frame in
            let time = Double(frame) / 25
            return gate.admit(time: time, behind: behind.contains(time))
        }
    }

    @Test func aCameraFallsToItsMinimumRateWhileDetectionIsBehindAndComesBack() {
        // Analysed at 5 frames/s; behind from 1 s to 3 s (inclusive), when the floor is 1 frame/s.
        let result = decisions(rate: 5, minimumRate: 1, behind: 1...3)
        let analysed = result.indices.filter { result[$0] == .analyse }.map { Double($0) / 25 }
        // 0–0.8 s: every 0.2 s. The frame at 1.0 s comes 0.2 s after the last: shed, and so on
        // until 1.8 s, a second after 0.8 s. Then 2.8 s (3.0 s is still shed); after 3 s the
        // camera is back to 5 frames/s.
        #expect(analysed.filter { $0 < 1 } == [0, 0.2, 0.4, 0.6, 0.8])
        #expect(analysed.filter { (1...3).contains($0) } == [1.8, 2.8])
        #expect(analysed.filter { $0 > 3 }.count == 9)
        #expect(analysed.filter { $0 > 3 }.first == 3.2)
        // Frames the rate leaves out are skipped, not shed: only frames the rate wanted are shed.
        #expect(result.filter { $0 == .shed }.count == 9)
    }

    @Test func withoutAMinimumRateNothingIsShed() {
        let result = decisions(rate: nil, minimumRate: nil, behind: 0...5)
        #expect(result.allSatisfy { $0 == .analyse })
    }

    @Test func aMinimumAboveTheRateNeverSheds() {
        let result = decisions(rate: 2, minimumRate: 10, behind: 0...5)
        #expect(!result.contains(.shed))
        #expect(result.filter { $0 == .analyse }.count == 10)
    }
}
