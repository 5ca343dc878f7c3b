import FootfallSupport
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An open-loop HTTP load: requests start on a fixed schedule (`rate` a second, spread over
/// keep-alive connections, pipelined when a connection is still busy), and each latency is
/// measured from when the request was due, so a slow server cannot hide its queueing by
/// slowing the load down.
struct HTTPLoad {
    var host = "127.0.0.1"
    var port: Int
    var path: String
    var headers: [(String, String)] = []
    var rate: Int
    var duration: Duration
    var connections: Int
    /// The client's address (`127.0.0.2`: another client than a load from 127.0.0.1); nil lets the system choose.
    var source: String? = nil

    struct Figures {
        var sent: Int
        var completed: Int
        var failed: Int
        var p50: Double
        var p99: Double
        var maximum: Double

        func line(_ name: String) -> String {
            name.padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(format: "p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  (%d of %d, %d failed)",
                         p50 * 1000, p99 * 1000, maximum * 1000, completed, sent, failed)
        }
    }

    /// Latencies (seconds) of finished requests and the count of failed ones.
    final class Recorder: Sendable {
        let latencies = Mutex([Double]())
        let failures = Mutex(0)
    }

    /// Matches responses to the due times of the requests on one connection, in order.
    final class ResponseTimer: ChannelInboundHandler, @unchecked Sendable {
        // Only touched on the connection's event loop.
        typealias InboundIn = HTTPClientResponsePart
        private var due: CircularBuffer<NIODeadline> = []
        private var status = 0
        let recorder: Recorder

        init(recorder: Recorder) { self.recorder = recorder }

        func expect(_ deadline: NIODeadline) { due.append(deadline) }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): status = Int(head.status.code)
            case .body: break
            case .end:
                guard let started = due.popFirst() else { return }
                if (200..<300).contains(status) {
                    let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
                    recorder.latencies.withLock { $0.append(seconds) }
                } else {
                    recorder.failures.withLock { $0 += 1 }
                }
            }
        }
    }

    func run() async throws -> Figures {
        let recorder = Recorder()
        let group = MultiThreadedEventLoopGroup.singleton
        var channels: [(any Channel, ResponseTimer)] = []
        for _ in 0..<connections {
            let timer = ResponseTimer(recorder: recorder)
            var bootstrap = ClientBootstrap(group: group)
            if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
            let channel = try await bootstrap
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(timer)
                    }
                }
                .connect(host: host, port: port).get()
            channels.append((channel, timer))
        }
        defer { for (channel, _) in channels { channel.close(promise: nil) } }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let total = Int(duration.inSeconds * Double(rate))
        let start = NIODeadline.now() + .milliseconds(100)
        let interval = TimeAmount.nanoseconds(1_000_000_000 / Int64(rate))
        for number in 0..<total {
            let (channel, timer) = channels[number % channels.count]
            let due = start + interval * Int64(number)
            let request = head
            channel.eventLoop.scheduleTask(deadline: due) {
                timer.expect(due)
                channel.write(HTTPClientRequestPart.head(request), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
        }
        // Wait for the schedule to run out, then for the stragglers.
        try await Task.sleep(for: duration + .milliseconds(100))
        let deadline = ContinuousClock.now + .seconds(10)
        while recorder.latencies.withLock({ $0.count }) + recorder.failures.withLock({ $0 }) < total, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let sorted = recorder.latencies.withLock { $0 }.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return Figures(sent: total, completed: sorted.count, failed: recorder.failures.withLock { $0 }, p50: percentile(0.5),
                       p99: percentile(0.99), maximum: sorted.last ?? .nan)
    }
}
