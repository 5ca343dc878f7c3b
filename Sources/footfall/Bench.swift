import ArgumentParser

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure speed and memory; figures and ratios against a baseline run in the same process.",
        subcommands: [BenchTracker.self, BenchSoak.self, BenchIngest.self, BenchQueries.self, BenchVision.self, BenchCapacity.self, BenchBroker.self, BenchFanout.self, BenchRedis.self, BenchAPI.self, BenchConnections.self, BenchAlerts.self, BenchS3.self])
}
