/// A cheap colour signature of one person: a histogram of the upper body and one of the legs,
/// 16 bins each (12 hues for coloured pixels, 4 brightness levels for grey ones), each summing
/// to 1. Two signatures of the same person under the same light are alike; a red coat and a
/// blue one are not. In dim light, colours fall into the grey bins, and people in dark clothes
/// look alike.
///
/// Made from frames by the live pipeline (see `Frame.appearance(of:)` in Vision); evaluation on
/// detection files has no pixels and no signatures, and the tracker then ignores appearance.
public struct Appearance: Hashable, Sendable, Codable {
    /// Bins 0–15: upper body; 16–31: legs.
    public var bins: SIMD32<Float>

    /// Bins per half.
    public static let binsPerHalf = 16
    /// Bins of coloured pixels (by hue) in each half; the rest are grey levels.
    public static let hueBins = 12

    /// - Parameter bins: two histograms, each summing to 1 (not checked).
    public init(bins: SIMD32<Float>) {
        self.bins = bins
    }

    /// Similarity in 0...1: the Bhattacharyya coefficient of each half, averaged; 1 for the
    /// same histograms, 0 for histograms with no bin in common.
    public func similarity(to other: Appearance) -> Double {
        Double((bins * other.bins).squareRoot().sum()) / 2
    }

    /// The share of clearly coloured pixels, 0...1, averaged over the two halves: low for
    /// people in dark, grey or white clothes, whose signatures tell them apart poorly.
    public var colourShare: Double {
        var coloured: Float = 0
        for index in 0..<Self.hueBins { coloured += bins[index] + bins[Self.binsPerHalf + index] }
        return Double(coloured) / 2
    }

    /// This signature moved towards `newer` by `weight` (0: unchanged, 1: `newer`). Each half
    /// still sums to 1.
    public func blended(with newer: Appearance, weight: Double) -> Appearance {
        let w = Float(min(max(weight, 0), 1))
        return Appearance(bins: bins * (1 - w) + newer.bins * w)
    }
}
