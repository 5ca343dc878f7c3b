import ArgumentParser
import FootfallApp
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `footfall serve --no-cameras` child process for the benchmarks that measure the API from
/// outside: a fresh data directory, an administrator, and small HTTP calls to set it up.
struct BenchServer {
    let process: Process
    let port: Int
    let dataDirectory: String
    let password: String
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts the server (with this process's environment, so the configured store and brokers)
    /// and waits until it answers.
    static func start(port: Int, logLevel: String = "error", environment extra: [String: String] = [:]) async throws -> BenchServer {
        let dataDirectory = NSTemporaryDirectory() + "footfall-bench-\(UUID().uuidString.prefix(8))"
        let password = "bench-" + UUID().uuidString
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["serve", "--no-cameras", "--port", String(port), "--data-dir", dataDirectory, "--log-level", logLevel]
        var environment = ProcessInfo.processInfo.environment
        environment[Settings.adminPassword.environmentVariable] = password
        environment.merge(extra) { $1 }
        child.environment = environment
        try child.run()
        let server = BenchServer(process: child, port: port, dataDirectory: dataDirectory, password: password)
        do {
            try await server.waitUntilUp()
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    /// The server's resident memory in MiB, from /proc.
    var residentMebibytes: Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kibibytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return .nan }
        return kibibytes / 1024
    }

    private func waitUntilUp() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if (try? await request("/healthz", method: "GET", token: nil, body: nil)) != nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ValidationError("the child API process did not start")
    }

    /// Signs in as the administrator; returns the bearer token.
    func signIn() async throws -> String {
        let data = try await request("/api/v1/sessions", method: "POST", token: nil,
                                     body: #"{"username":"admin","password":"\#(password)"}"#)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let token = object["token"] as? String else {
            throw ValidationError("could not sign in to the child API process")
        }
        return token
    }

    /// Adds `count` pushed cameras with a line each, so that the live answer is not trivially empty.
    func addCameras(_ count: Int, token: String) async throws {
        for index in 0..<count {
            _ = try await request("/api/v1/cameras", method: "POST", token: token,
                                  body: #"{"id":"bench-\#(index)","name":"Bench \#(index)","source":"external","lines":[{"name":"door","a":[0,0],"b":[0,100]}]}"#)
        }
    }

    func request(_ path: String, method: String, token: String?, body: String?) async throws -> Data {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status) else {
            throw ValidationError("\(method) \(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        return data
    }
}
