import CountingCore
import Testing

struct AppearanceTests {
    /// A signature with all of the upper body in bin `upper` and all of the legs in bin `lower`.
    static func signature(upper: Int, lower: Int) -> Appearance {
        var bins = SIMD32<Float>(repeating: 0)
        bins[upper] = 1
        bins[Appearance.binsPerHalf + lower] = 1
        return Appearance(bins: bins)
    }

    @Test func theSameColoursAreFullySimilarAndOthersAreNot() {
        let redOverBlue = Self.signature(upper: 0, lower: 8)
        #expect(abs(redOverBlue.similarity(to: redOverBlue) - 1) < 1e-6)
        #expect(redOverBlue.similarity(to: Self.signature(upper: 4, lower: 12)) == 0)
        // Same legs, another shirt: half alike.
        #expect(abs(redOverBlue.similarity(to: Self.signature(upper: 4, lower: 8)) - 0.5) < 1e-6)
    }

    @Test func blendingMovesTowardsTheNewerSignatureAndKeepsEachHalfWhole() {
        let red = Self.signature(upper: 0, lower: 0)
        let blue = Self.signature(upper: 8, lower: 8)
        let blended = red.blended(with: blue, weight: 0.25)
        #expect(abs(blended.bins[0] - 0.75) < 1e-6)
        #expect(abs(blended.bins[8] - 0.25) < 1e-6)
        let upper = (0..<Appearance.binsPerHalf).reduce(Float(0)) { $0 + blended.bins[$1] }
        let lower = (Appearance.binsPerHalf..<32).reduce(Float(0)) { $0 + blended.bins[$1] }
        #expect(abs(upper - 1) < 1e-6 && abs(lower - 1) < 1e-6)
        #expect(blended.similarity(to: red) > blended.similarity(to: blue))
        #expect(red.blended(with: blue, weight: 0) == red)
    }
}
