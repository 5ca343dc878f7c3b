import ArgumentParser
import CountingCore
import FootfallApp
import FootfallSupport
import Foundation
import Logging
import MessagingRedis

struct BenchRedis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis",
        abstract: "Pipelined SET and GET through Footfall's Redis client, against redis-benchmark in the same run.",
        discussion: """
            Runs `redis-benchmark -P DEPTH -c CONNECTIONS -t set,get -n REQUESTS -q` on the Redis of \
            FOOTFALL_REDIS_URL (the baseline), then the same load through RedisClient: CONNECTIONS \
            pooled connections, each with DEPTH commands in flight, every command built anew as \
            application code would. Prints both and the ratio (target: within 2×).
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "Requests per command.")
    var requests = 1_000_000

    @Option(help: "Connections.")
    var connections = 50

    @Option(help: "Commands in flight per connection.")
    var depth = 16

    func run() async throws {
        guard let url = try common.load().redisURL else {
            throw ValidationError("set \(Settings.redisURL.environmentVariable) (scripts/redis.sh start DIR PORT prints one)")
        }
        var configuration = try RedisConfiguration(url: url)
        configuration.poolSize = connections
        let baseline = try redisBenchmark(host: configuration.host, port: configuration.port)
        let client = RedisClient(configuration: configuration, logger: Logger(label: "bench"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            // Open the pool before timing.
            try await withThrowingTaskGroup(of: Void.self) { warm in
                for _ in 0..<connections { warm.addTask { _ = try await client.pipeline([["PING"]]) } }
                try await warm.waitForAll()
            }
            let commands: [(String, @Sendable () -> RedisCommand)] = [
                ("SET", { ["SET", "key:__rand_int__", "xxx"] }), ("GET", { ["GET", "key:__rand_int__"] }),
            ]
            for (name, make) in commands {
                let rate = try await measure(client: client, make)
                let reference = baseline[name] ?? .nan
                print(name.padding(toLength: 4, withPad: " ", startingAt: 0)
                      + String(format: " redis-benchmark %10.0f/s   Footfall client %10.0f/s   ×%.2f slower", reference, rate,
                               reference / rate))
            }
        }
    }

    private func measure(client: RedisClient, _ make: @escaping @Sendable () -> RedisCommand) async throws -> Double {
        let depth = depth, rounds = requests / depth / connections
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var commands: [RedisCommand] = []
                    commands.reserveCapacity(depth)
                    for _ in 0..<rounds {
                        commands.removeAll(keepingCapacity: true)
                        for _ in 0..<depth { commands.append(make()) }
                        let replies = try await client.pipeline(commands)
                        guard replies.count == depth, replies[0].errorMessage == nil else {
                            throw ValidationError("Redis refused: \(replies[0])")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = started.duration(to: .now)
        return Double(rounds * connections * depth)
            / (elapsed.inSeconds)
    }

    /// Requests per second by command, as redis-benchmark prints them with -q.
    private func redisBenchmark(host: String, port: Int) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["redis-benchmark", "-h", host, "-p", String(port), "-P", String(depth), "-c", String(connections),
                             "-t", "set,get", "-n", String(requests), "-q"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var rates: [String: Double] = [:]
        // Lines look like "SET: 1298701.25 requests per second, p50=0.495 msec"; progress uses \r.
        for line in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let number = parts[1].split(separator: " ").first.flatMap({ Double($0) }) else { continue }
            rates[String(parts[0])] = number
        }
        return rates
    }
}
