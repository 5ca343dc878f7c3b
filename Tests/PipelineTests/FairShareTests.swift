import Foundation
import Messaging
import Pipeline
import Testing

/// Shares of cameras by capacity: they cover every camera, follow capacity, and hand over the
/// most recently taken cameras first.
struct FairShareTests {
    static func worker(_ name: String, _ capacity: Double) -> WorkerStatus {
        WorkerStatus(name: name, capacity: capacity, cameras: [], startedAt: .distantPast, announcedAt: .distantPast)
    }

    static func targets(_ capacities: [(String, Double)], cameras: Int) -> [Int] {
        let workers = capacities.map { worker($0.0, $0.1) }
        return capacities.map { FairShare.target(for: $0.0, capacity: $0.1, among: workers, cameras: cameras) }
    }

    @Test func sharesFollowCapacityAndCoverEveryCamera() {
        #expect(Self.targets([("a", 400), ("b", 400)], cameras: 10) == [5, 5])
        #expect(Self.targets([("a", 400), ("b", 400), ("c", 400)], cameras: 10) == [4, 4, 4])
        #expect(Self.targets([("a", 800), ("b", 400)], cameras: 300) == [200, 100])
        #expect(Self.targets([("a", 800), ("b", 200), ("c", 200)], cameras: 7) == [5, 2, 2])
        for cameras in [1, 2, 3, 7, 40, 299, 300, 2_000] {
            for fleet in [[("a", 100.0)], [("a", 100), ("b", 300)], [("a", 1), ("b", 1), ("c", 1)], [("a", 7), ("b", 11), ("c", 13), ("d", 0)]] {
                let targets = Self.targets(fleet, cameras: cameras)
                #expect(targets.reduce(0, +) >= cameras, "\(fleet) share \(cameras) cameras: \(targets)")
                #expect(targets.allSatisfy { $0 <= cameras })
            }
        }
    }

    @Test func aWorkerNotYetAnnouncedCountsItselfAndZeroCapacityMeansEqualShares() {
        #expect(FairShare.target(for: "new", capacity: 400, among: [Self.worker("a", 400)], cameras: 10) == 5)
        #expect(FairShare.target(for: "a", capacity: 400, among: [], cameras: 10) == 10)
        #expect(Self.targets([("a", 0), ("b", 0)], cameras: 9) == [5, 5])
        #expect(Self.targets([("a", 0), ("b", 100)], cameras: 9) == [0, 9])
        #expect(FairShare.target(for: "a", capacity: 400, among: [Self.worker("b", 400)], cameras: 0) == 0)
    }

    @Test func theSurplusIsTheMostRecentlyTakenCameras() {
        let held: [(camera: String, since: Int)] = [("door", 3), ("hall", 9), ("yard", 1), ("gate", 9)]
        #expect(FairShare.surplus(held, target: 4).isEmpty)
        #expect(FairShare.surplus(held, target: 5).isEmpty)
        #expect(FairShare.surplus(held, target: 2) == ["hall", "gate"])
        #expect(FairShare.surplus(held, target: 0) == ["hall", "gate", "door", "yard"])
        #expect(FairShare.surplus(held, target: -1).count == 4)
    }
}
