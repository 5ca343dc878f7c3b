import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure speed and memory; figures and ratios against a baseline run in the same process.",
        subcommands: [BenchTracker.self, BenchSoak.self])
}
