import Foundation
import Testing
@testable import Pipeline

struct DropRateMeterTests {
    @Test func theShareDroppedIsReportedPerWindow() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var meter = DropRateMeter(start: start, window: 10)
        var reported: [Double] = []
        var dropped = 0
        // 5 frames analysed per second; for the first 10 s, 3 of every 8 frames are dropped, then none.
        for frame in 1...100 {
            if frame <= 50 && frame % 5 != 0 { dropped += frame % 5 == 1 ? 0 : 1 }
            if let window = meter.frame(at: start.addingTimeInterval(Double(frame) * 0.2), droppedTotal: dropped) {
                reported.append(window.share)
                #expect(!window.reducedRate)
            }
        }
        // First window: 50 analysed, 30 dropped → 30 / 80; second: 50 analysed, none dropped.
        #expect(reported == [30.0 / 80.0, 0])
    }

    @Test func framesShedForLoadCountAsDroppedAndMarkTheWindowReduced() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var meter = DropRateMeter(start: start, window: 10)
        var windows: [DropRateMeter.Window] = []
        var dropped = 0
        var shed = 0
        // 2 frames analysed per second. First 10 s: 1 dropped by the queue and 2 shed for each
        // analysed frame; then 1 dropped by the queue each, none shed.
        for frame in 1...40 {
            dropped += 1
            if frame <= 20 { shed += 2 }
            if let window = meter.frame(at: start.addingTimeInterval(Double(frame) * 0.5), droppedTotal: dropped, shedTotal: shed) {
                windows.append(window)
            }
        }
        #expect(windows == [.init(share: 60.0 / 80.0, reducedRate: true), .init(share: 20.0 / 40.0, reducedRate: false)])
    }
}
