import Foundation
import Hummingbird
import HummingbirdTesting
import Messaging
import Prometheus
import Server
import Storage
import Testing

/// The dashboard as a browser loads it: the page, then every script, stylesheet and module it
/// names, following imports, must be served.
struct DashboardControllerTests {
    func app() -> some ApplicationProtocol {
        let dependencies = ServerDependencies(store: InMemoryStore(), live: InMemoryLiveState(), bus: InProcessEventBus(),
                                              metrics: PrometheusCollectorRegistry())
        return buildApplication(configuration: .init(host: "127.0.0.1", port: 0), dependencies: dependencies,
                                logger: .init(label: "test"))
    }

    /// Paths a file refers to: `src="…"`/`href="…"` in HTML, `from '…'` and `import('…')` in modules.
    static func references(in text: String, of path: String) -> [String] {
        let pattern = ##"(?:src|href)="([^"#:]+)"|from\s+'([^']+)'|import\('([^']+)'\)"##
        let regex = try! NSRegularExpression(pattern: pattern)
        let directory = (path as NSString).deletingLastPathComponent
        var found: [String] = []
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            for group in 1...3 {
                guard let range = Range(match.range(at: group), in: text) else { continue }
                let target = String(text[range])
                let joined = target.hasPrefix("/") ? target : (directory as NSString).appendingPathComponent(target)
                found.append(URL(fileURLWithPath: joined).standardizedFileURL.path)
            }
        }
        return found
    }

    @Test func everyFileThePageNeedsIsServed() async throws {
        try await app().test(.router) { client in
            var pending = ["/"]
            var seen: Set<String> = []
            var scripts = 0
            while let path = pending.popLast() {
                guard seen.insert(path).inserted else { continue }
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path) is not served")
                    let type = response.headers[.contentType] ?? ""
                    if path.hasSuffix(".js") {
                        scripts += 1
                        #expect(type.hasPrefix("text/javascript"), "\(path) has type \(type)")
                    }
                    if type.hasPrefix("text/html") || type.hasPrefix("text/javascript") {
                        let base = path == "/" ? "/index.html" : path
                        pending += Self.references(in: String(buffer: response.body), of: base)
                    }
                }
            }
            #expect(scripts >= 8, "the page loads its modules")
        }
    }

    @Test func pathsOutsideTheDashboardAreNotServed() async throws {
        try await app().test(.router) { client in
            for path in ["/js/../../Package.swift", "/../Server/DashboardController.swift", "/js/nothing.js"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                }
            }
        }
    }
}
