import Logging
import NIOCore

/// The first handler of every connection, below HTTP: admits it under the connection limits
/// (else answers 503 and closes), closes it when its first request's headers do not arrive in
/// time, and closes it when nothing was read or written for the idle timeout — until it becomes
/// a WebSocket, which its pings keep alive.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let registry: ConnectionRegistry
    private let logger: Logger
    private var address: String?
    private var admitted = false
    /// The end of the first request's headers has been read.
    private var headersSeen = false
    /// The last four bytes read while looking for the end of the headers.
    private var tail: [UInt8] = []
    private var webSocket = false
    /// Bytes read before the end of the first request's headers.
    private var headerBytes = 0
    /// An answer that ends the connection was sent: what the client sends now is dropped.
    private var refused = false
    private var lastActivity = NIODeadline.now()
    private var headerTimer: Scheduled<Void>?
    private var idleTimer: RepeatedTask?

    init(registry: ConnectionRegistry, logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        if admitted { context.fireChannelActive() }
    }

    private func start(context: ChannelHandlerContext) {
        guard address == nil else { return }
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        self.address = address
        guard registry.admit(address: address) else {
            logger.warning("server.connection_refused", metadata: [
                "client.address": "\(address)", "connections": "\(registry.count)",
                "limit": "\(registry.limits.maximumConnections)", "limit.per_address": "\(registry.limits.maximumConnectionsPerAddress)",
            ])
            refuse(context: context)
            return
        }
        admitted = true
        let limits = registry.limits
        // Timers run on this connection's event loop, where the handler and its context live.
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        headerTimer = context.eventLoop.scheduleTask(in: TimeAmount(limits.headerTimeout)) {
            guard !handler.value.headersSeen else { return }
            handler.value.logger.debug("server.header_timeout", metadata: ["client.address": "\(address)"])
            boundContext.value.close(promise: nil)
        }
        let idle = TimeAmount(limits.idleTimeout)
        let check = TimeAmount.nanoseconds(max(50_000_000, idle.nanoseconds / 4))
        idleTimer = context.eventLoop.scheduleRepeatedTask(initialDelay: check, delay: check) { _ in
            let guardHandler = handler.value
            guard !guardHandler.webSocket, NIODeadline.now() - guardHandler.lastActivity >= idle else { return }
            guardHandler.logger.debug("server.idle_timeout", metadata: ["client.address": "\(address)"])
            boundContext.value.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        headerTimer?.cancel()
        idleTimer?.cancel()
        if admitted, let address {
            registry.release(address: address)
            admitted = false
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted, !refused else { return }
        lastActivity = .now()
        if !headersSeen {
            let buffer = unwrapInboundIn(data)
            headerBytes += buffer.readableBytes
            if let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) {
                tail.append(contentsOf: bytes)
                if Self.containsEndOfHeaders(tail) {
                    headersSeen = true
                    headerTimer?.cancel()
                }
                tail = Array(tail.suffix(3))
            }
            if !headersSeen && headerBytes > registry.limits.maximumHeaderBytes {
                logger.debug("server.headers_too_large", metadata: ["client.address": "\(address ?? "unknown")"])
                answerAndClose(context: context, status: "431 Request Header Fields Too Large",
                               message: "the request line and headers may have at most \(registry.limits.maximumHeaderBytes) bytes")
                return
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        lastActivity = .now()
        if !webSocket {
            let buffer = unwrapOutboundIn(data)
            // A "101 Switching Protocols" answer makes this connection a WebSocket.
            if buffer.readableBytes >= 12, buffer.getString(at: buffer.readerIndex, length: 12) == "HTTP/1.1 101" {
                webSocket = true
            }
        }
        context.write(data, promise: promise)
    }

    static func containsEndOfHeaders(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return true
        }
        return false
    }

    private func refuse(context: ChannelHandlerContext) {
        answerAndClose(context: context, status: "503 Service Unavailable",
                       message: "the server holds as many connections as it may; try again shortly", retryAfter: true)
    }

    /// Answers with a JSON error and closes: first the sending side, so the client reads the answer
    /// rather than a reset for the request bytes it already sent, then, shortly after, the rest.
    private func answerAndClose(context: ChannelHandlerContext, status: String, message: String, retryAfter: Bool = false) {
        refused = true
        headerTimer?.cancel()
        idleTimer?.cancel()
        let body = #"{"error":{"message":"\#(message)"}}"#
        let response = "HTTP/1.1 \(status)\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\n" + (retryAfter ? "Retry-After: 5\r\n" : "") + "Connection: close\r\n\r\n" + body
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response))).whenComplete { _ in
            boundContext.value.close(mode: .output, promise: nil)
            boundContext.value.eventLoop.scheduleTask(in: .seconds(2)) {
                boundContext.value.close(promise: nil)
            }
        }
    }
}
