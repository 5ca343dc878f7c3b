import CountingCore

/// Scores tracks against ground truth the way py-motmetrics does, at IoU ≥ 0.5:
///
/// - Ignored ground truth (MOT `conf` 0) neither matches nor penalises: in each frame, tracks
///   that match an ignored box (optimal assignment, IoU ≥ 0.5) are removed before scoring.
/// - CLEAR-MOT per frame: each ground-truth identity is first paired again with the track it
///   was last matched to, if that track is present with IoU ≥ 0.5; the rest are matched
///   optimally (most pairs first, then least total distance).
///   A ground-truth identity matched to a different track than the last one it was matched
///   to is an identity switch.
/// - IDF1 from the best one-to-one mapping of ground-truth to track identities by the number
///   of frames in which they overlap with IoU ≥ 0.5.
public struct TrackingScorer {
    public static let iouThreshold = 0.5

    public init() {}

    public func score(tracks: Trajectories, groundTruth rows: [MOTRow]) -> TrackingScores {
        let scored = Trajectories(rows: rows.filter { $0.confidence > 0 })
        let ignored = Trajectories(rows: rows.filter { $0.confidence <= 0 })
        var assignment = LinearAssignment()
        var matches: [Int] = []
        var costs: [Double] = []

        let frames = Set(scored.frames.keys).union(tracks.frames.keys).sorted()
        var lastMatch: [Int: Int] = [:]  // ground-truth id → track id it was last matched to
        var misses = 0, falsePositives = 0, switches = 0, matched = 0, gtBoxes = 0, trackBoxes = 0
        var distanceSum = 0.0
        var overlaps: [Pair: Int] = [:]

        for frame in frames {
            var hyps = tracks.frames[frame] ?? []
            if let ignoredBoxes = ignored.frames[frame], !ignoredBoxes.isEmpty, !hyps.isEmpty {
                costs.removeAll(keepingCapacity: true)
                for g in ignoredBoxes { for h in hyps { costs.append(1 - g.box.iou(h.box)) } }
                assignment.solve(costs: costs, rows: ignoredBoxes.count, cols: hyps.count,
                                 limit: Self.iouThreshold + 1e-12, assignment: &matches)
                let drop = Set(matches.filter { $0 >= 0 })
                hyps = hyps.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
            }
            let gts = scored.frames[frame] ?? []
            gtBoxes += gts.count
            trackBoxes += hyps.count

            var distance = [Double](repeating: .infinity, count: gts.count * hyps.count)
            for (i, g) in gts.enumerated() {
                for (j, h) in hyps.enumerated() {
                    let d = 1 - g.box.iou(h.box)
                    if d <= Self.iouThreshold {
                        distance[i * hyps.count + j] = d
                        overlaps[Pair(gt: g.id, track: h.id), default: 0] += 1
                    }
                }
            }

            var gtUsed = [Bool](repeating: false, count: gts.count)
            var hypUsed = [Bool](repeating: false, count: hyps.count)
            func record(_ i: Int, _ j: Int) {
                gtUsed[i] = true
                hypUsed[j] = true
                let g = gts[i].id, h = hyps[j].id
                if let last = lastMatch[g], last != h { switches += 1 }
                lastMatch[g] = h
                matched += 1
                distanceSum += distance[i * hyps.count + j]
            }
            // Keep earlier pairs that still overlap.
            for (i, g) in gts.enumerated() {
                guard let h = lastMatch[g.id], let j = hyps.firstIndex(where: { $0.id == h }),
                      !hypUsed[j], distance[i * hyps.count + j].isFinite
                else { continue }
                record(i, j)
            }
            // Match the rest: a large limit makes the count of pairs come first, then distance.
            let freeGT = gts.indices.filter { !gtUsed[$0] }
            let freeHyp = hyps.indices.filter { !hypUsed[$0] }
            if !freeGT.isEmpty && !freeHyp.isEmpty {
                costs.removeAll(keepingCapacity: true)
                for i in freeGT {
                    for j in freeHyp {
                        let d = distance[i * hyps.count + j]
                        costs.append(d.isFinite ? d : 2 * Self.unmatchable)
                    }
                }
                assignment.solve(costs: costs, rows: freeGT.count, cols: freeHyp.count, limit: Self.unmatchable,
                                 assignment: &matches)
                for (row, column) in matches.enumerated() where column >= 0 {
                    record(freeGT[row], freeHyp[column])
                }
            }
            misses += gtUsed.filter { !$0 }.count
            falsePositives += hypUsed.filter { !$0 }.count
        }

        let idtp = identityTruePositives(overlaps)
        let total = gtBoxes + trackBoxes
        return TrackingScores(
            mota: gtBoxes > 0 ? 1 - Double(misses + falsePositives + switches) / Double(gtBoxes) : 0,
            motp: matched > 0 ? distanceSum / Double(matched) : 0,
            idf1: total > 0 ? 2 * Double(idtp) / Double(total) : 0,
            identitySwitches: switches, falsePositives: falsePositives, misses: misses, matches: matched,
            groundTruthBoxes: gtBoxes, trackBoxes: trackBoxes)
    }

    /// Any cost below this is a usable pair; far above every real distance (≤ 0.5), so that
    /// more pairs always beat a lower total distance.
    private static let unmatchable = 1_000.0

    private struct Pair: Hashable {
        var gt: Int
        var track: Int
    }

    /// The largest total overlap of a one-to-one mapping between identities.
    private func identityTruePositives(_ overlaps: [Pair: Int]) -> Int {
        let gtIDs = Array(Set(overlaps.keys.map(\.gt))).sorted()
        let trackIDs = Array(Set(overlaps.keys.map(\.track))).sorted()
        guard !gtIDs.isEmpty, !trackIDs.isEmpty else { return 0 }
        let trackIndex = Dictionary(uniqueKeysWithValues: trackIDs.enumerated().map { ($1, $0) })
        let gtIndex = Dictionary(uniqueKeysWithValues: gtIDs.enumerated().map { ($1, $0) })
        var costs = [Double](repeating: 0, count: gtIDs.count * trackIDs.count)
        for (pair, count) in overlaps {
            costs[gtIndex[pair.gt]! * trackIDs.count + trackIndex[pair.track]!] = -Double(count)
        }
        var assignment = LinearAssignment()
        var matches: [Int] = []
        assignment.solve(costs: costs, rows: gtIDs.count, cols: trackIDs.count, limit: 0, assignment: &matches)
        var total = 0.0
        for (row, column) in matches.enumerated() where column >= 0 { total -= costs[row * trackIDs.count + column] }
        return Int(total.rounded())
    }
}
