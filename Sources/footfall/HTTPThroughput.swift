import FootfallSupport
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A closed-loop HTTP load: each keep-alive connection sends its next request as soon as the
/// last answer ended, for `duration`; the answers per second are the server's throughput on
/// that path (what `wrk` measures).
struct HTTPThroughput {
    var host = "127.0.0.1"
    var port: Int
    var path: String
    var headers: [(String, String)] = []
    var duration: Duration
    var connections: Int
    /// The client's address; nil lets the system choose.
    var source: String? = nil

    /// Successful answers per second, and how many failed.
    func run() async throws -> (perSecond: Double, failed: Int) {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let request = head
        let clock = ContinuousClock()
        let end = clock.now + duration
        let start = clock.now
        let counts = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
                    let channel = try await bootstrap
                        .channelOption(.socketOption(.tcp_nodelay), value: 1)
                        .connect(host: host, port: port) { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                                return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                                    wrappingChannelSynchronously: channel)
                            }
                        }
                    return try await channel.executeThenClose { inbound, outbound in
                        var ok = 0, failed = 0
                        var answers = inbound.makeAsyncIterator()
                        while clock.now < end {
                            try await outbound.write(.head(request))
                            try await outbound.write(.end(nil))
                            var status = 0
                            answer: while let part = try await answers.next() {
                                switch part {
                                case .head(let head): status = Int(head.status.code)
                                case .body: break
                                case .end: break answer
                                }
                            }
                            if (200..<300).contains(status) { ok += 1 } else { failed += 1 }
                        }
                        return (ok, failed)
                    }
                }
            }
            var total = (0, 0)
            for try await (ok, failed) in group { total = (total.0 + ok, total.1 + failed) }
            return total
        }
        let elapsed = start.duration(to: clock.now)
        return (Double(counts.0) / max(elapsed.inSeconds, 1e-9), counts.1)
    }
}
