import CountingCore

/// Counts line crossings and zone occupancy from finished trajectories (ground truth, or
/// another tracker's output) with the same line rule and hysteresis as the live engine.
public struct TrajectoryCounter {
    public var lineHysteresis: Double

    public init(lineHysteresis: Double = CountingConfiguration().lineHysteresis) {
        self.lineHysteresis = lineHysteresis
    }

    /// In and out counts per line, in geometry order.
    public func lineCounts(_ trajectories: Trajectories, geometry: Geometry) -> [(countIn: Int, countOut: Int)] {
        var counters = geometry.lines.map(LineCounter.init)
        for frame in trajectories.frames.keys.sorted() {
            for (id, box) in trajectories.frames[frame]! {
                for index in counters.indices {
                    if let direction = counters[index].observe(trackID: id, point: box.bottomCenter,
                                                               band: lineHysteresis * box.height) {
                        _ = counters[index].commit(direction)
                    }
                }
            }
        }
        return counters.map { ($0.totalIn, $0.totalOut) }
    }

    /// Mean number of boxes inside each zone per frame, over frames 1…`frameCount`.
    public func zoneMeans(_ trajectories: Trajectories, geometry: Geometry, frameCount: Int) -> [Double] {
        guard frameCount > 0 else { return geometry.zones.map { _ in 0 } }
        return geometry.zones.map { zone in
            var inside = 0
            for (_, boxes) in trajectories.frames {
                inside += boxes.filter { zone.contains($0.box.bottomCenter) }.count
            }
            return Double(inside) / Double(frameCount)
        }
    }
}
