import ArgumentParser
import FootfallApp
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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
        let dataDirectory = NSTemporaryDirectory() + "footfall-bench-api-\(UUID().uuidString.prefix(8))"
        let password = "bench-" + UUID().uuidString
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["serve", "--no-cameras", "--port", String(port), "--data-dir", dataDirectory, "--log-level", "error"]
        var environment = ProcessInfo.processInfo.environment
        environment[Settings.adminPassword.environmentVariable] = password
        child.environment = environment
        try child.run()
        defer {
            child.terminate()
            child.waitUntilExit()
            try? FileManager.default.removeItem(atPath: dataDirectory)
        }
        let base = "http://127.0.0.1:\(port)"
        try await waitUntilUp(base + "/healthz")
        let token = try await signIn(base, password: password)
        // Cameras to list, so the answer is not trivially empty.
        for index in 0..<20 {
            _ = try await request(base + "/api/v1/cameras", method: "POST", token: token,
                                  body: #"{"id":"bench-\#(index)","name":"Bench \#(index)","source":"external","lines":[{"name":"door","a":[0,0],"b":[0,100]}]}"#)
        }
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

    private func waitUntilUp(_ url: String) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if (try? await request(url, method: "GET", token: nil, body: nil)) != nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ValidationError("the child API process did not start")
    }

    private func signIn(_ base: String, password: String) async throws -> String {
        let data = try await request(base + "/api/v1/sessions", method: "POST", token: nil,
                                     body: #"{"username":"admin","password":"\#(password)"}"#)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let token = object["token"] as? String else {
            throw ValidationError("could not sign in to the child API process")
        }
        return token
    }

    private func request(_ url: String, method: String, token: String?, body: String?) async throws -> Data {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status) else {
            throw ValidationError("\(method) \(url) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        return data
    }
}
