import ArgumentParser
import CountingCore

/// The two options against counting one person twice, shared by `count` and `eval`: the size
/// limit of matches by overlap and the replaced-track check (`docs/counting.md`).
struct DoubleCountOptions: ParsableArguments {
    @Option(help: "Largest ratio between a detection's height and a track's for a match by overlap (0: no limit). [default: 1.5 with the trained detector, else 0]")
    var sizeChange: Double?

    @Flag(inversion: .prefixedNo,
          help: "Count once a crossing by a track found after a loss and by a new track started near where it was lost (needs fragment linking).")
    var replacedReturnCheck = true

    func validate() throws {
        if let sizeChange, !(sizeChange == 0 || (sizeChange > 1 && sizeChange.isFinite)) {
            throw ValidationError("--size-change: a ratio above 1, or 0 for no limit")
        }
    }

    /// Sets what was given on `counting`.
    func apply(to counting: inout CountingConfiguration) {
        if let sizeChange { counting.tracker.maximumSizeChange = sizeChange }
        counting.skipsReturnsOfReplacedTracks = replacedReturnCheck
    }
}
