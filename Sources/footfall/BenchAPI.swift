import ArgumentParser
import FootfallApp
import Foundation

struct BenchAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Latency of authenticated GET /api/v1/live at a fixed request rate, against /healthz in the same run.",
        discussion: """
            Starts `footfall serve --no-cameras` as a child process with the configured store and \
            brokers (set FOOTFALL_DATABASE_URL and FOOTFALL_REDIS_URL to measure PostgreSQL + Redis), \
            creates an administrator and 20 cameras with live state, signs in, and sends requests on a \
            fixed schedule over keep-alive connections: first /healthz (no authentication, no store: \
            the baseline), then /api/v1/live with the bearer token. Latency counts from when each \
            request was due.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "Requests per second.")
    var rate = 2_000

    @Option(help: "Seconds per measurement.")
    var seconds = 20

    @Option(help: "Keep-alive connections.")
    var connections = 32

    @Option(help: "Port for the child API process.")
    var port = 18_092

    func run() async throws {
        let configuration = try common.load()
        let server = try await BenchServer.start(port: port)
        defer { server.stop() }
        let token = try await server.signIn()
        try await server.addCameras(20, token: token)
        print("store: \(configuration.databaseURL == nil ? "SQLite" : "PostgreSQL"), "
              + "live state and sessions: \(configuration.redisURL == nil ? "in process" : "Redis"); "
              + "\(rate) requests/s for \(seconds) s over \(connections) connections")
        let load = { (path: String, headers: [(String, String)]) in
            HTTPLoad(port: port, path: path, headers: headers, rate: rate, duration: .seconds(seconds), connections: connections)
        }
        // Warm up both paths (connections, caches) before measuring.
        _ = try await HTTPLoad(port: port, path: "/api/v1/live", headers: [("Authorization", "Bearer \(token)")], rate: 500,
                               duration: .seconds(2), connections: connections).run()
        let baseline = try await load("/healthz", []).run()
        print(baseline.line("GET /healthz (baseline)"))
        let live = try await load("/api/v1/live", [("Authorization", "Bearer \(token)")]).run()
        print(live.line("GET /api/v1/live, bearer token"))
        print(String(format: "p99 %.2f ms, ×%.1f the baseline (target: p99 < 10 ms at %d requests/s)",
                     live.p99 * 1000, live.p99 / max(baseline.p99, 1e-9), rate))
    }
}
