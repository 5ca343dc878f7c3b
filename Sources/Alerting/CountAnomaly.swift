import Foundation

/// Whether an hour's count is unusual against the same weekday and hour of earlier weeks, by
/// a rule robust to the odd holiday in the history: the median and the median absolute
/// deviation (MAD, scaled by 1.4826 to match a standard deviation). The spread also counts the
/// hour's own Poisson noise (√median, added in quadrature): from a few weeks the MAD alone is
/// often too small (four values that happen to agree), and then ordinary hours would alarm.
public struct CountAnomaly: Hashable, Sendable {
    public var current: Double
    public var median: Double
    /// The spread one deviation stands for.
    public var scale: Double
    /// (current − median) / scale: negative when fewer people came than usual.
    public var deviations: Double

    /// Fewest weeks of history that say anything.
    public static let minimumHistory = 3

    /// nil when the history is too short to judge.
    public init?(current: Double, history: [Double]) {
        guard history.count >= Self.minimumHistory else { return nil }
        let median = Self.median(history)
        let mad = Self.median(history.map { abs($0 - median) })
        self.current = current
        self.median = median
        self.scale = max((pow(1.4826 * mad, 2) + median).squareRoot(), 1)
        self.deviations = (current - median) / scale
    }

    /// An anomaly: more than `threshold` deviations either way, with at least `minimumVolume`
    /// people now or usually (a quiet hour going from 2 to 0 is not news).
    public func isAnomalous(threshold: Double, minimumVolume: Double) -> Bool {
        abs(deviations) > threshold && max(current, median) >= minimumVolume
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
