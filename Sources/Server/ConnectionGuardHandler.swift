import Logging
import NIOCore

/// The first handler of every connection, below HTTP: admits it under the connection limits
/// (else answers 503 and closes), closes it when a request's headers do not arrive in time or
/// grow too large, when its answer has not started within the request timeout of its headers'
/// end (a body trickled in slowly), and when nothing was read or written for the idle timeout
/// — until it becomes a WebSocket, which its pings keep alive.
///
/// Time is the event loop's (`eventLoop.now`), so tests drive it on an `EmbeddedEventLoop`.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Headers sent with the guard's own answers, as `SecurityHeadersMiddleware` sends them with the server's.
    static let securityHeaders = "Content-Security-Policy: \(SecurityHeadersMiddleware.contentSecurityPolicy)\r\n"
        + "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n"

    private let registry: ConnectionRegistry
    private let logger: Logger
    private var address: String?
    private var admitted = false
    /// Reading a request's headers: from its first byte to the blank line that ends them.
    private var inHeaders = true
    /// The request's headers were read and its answer has not been written yet (its body, if any, is being read).
    private var awaitingAnswer = false
    /// Bytes of the current request's headers so far.
    private var headerBytes = 0
    /// Whether a line end has been read in the current request's headers (the request line ended).
    private var requestLineEnded = false
    /// How much of the blank line that ends the headers (CR LF CR LF) was just read: 0 to 4.
    private var endMatched = 0
    /// The first request's head, checked as it arrives. Later ones are not: the HTTP layer may
    /// answer a request before reading its body (a 401, a 413), and the rest of that body
    /// must not be taken for the next head.
    private var headCheck: RequestHeadCheck? = RequestHeadCheck()
    private var webSocket = false
    private var lastActivity = NIODeadline.uptimeNanoseconds(0)
    private var headerTimer: Scheduled<Void>?
    private var requestTimer: Scheduled<Void>?
    private var idleTimer: RepeatedTask?
    /// An answer that ends the connection was sent: what the client sends now is dropped.
    private var refused = false

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
            answerAndClose(context: context, status: "503 Service Unavailable",
                           message: "the server holds as many connections as it may; try again shortly", retryAfter: true)
            return
        }
        admitted = true
        lastActivity = context.eventLoop.now
        armHeaderTimer(context: context)
        let idle = TimeAmount(registry.limits.idleTimeout)
        let check = TimeAmount.nanoseconds(max(50_000_000, idle.nanoseconds / 4))
        // Timers run on this connection's event loop, where the handler and its context live.
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleRepeatedTask(initialDelay: check, delay: check) { _ in
            let guardHandler = handler.value
            let context = boundContext.value
            guard !guardHandler.webSocket, context.eventLoop.now - guardHandler.lastActivity >= idle else { return }
            guardHandler.logger.debug("server.idle_timeout", metadata: ["client.address": "\(address)"])
            context.close(promise: nil)
        }
    }

    /// The current request's headers must be complete within the header timeout.
    private func armHeaderTimer(context: ChannelHandlerContext) {
        headerTimer?.cancel()
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        headerTimer = context.eventLoop.scheduleTask(in: TimeAmount(registry.limits.headerTimeout)) {
            guard handler.value.inHeaders, !handler.value.webSocket else { return }
            handler.value.logger.debug("server.header_timeout", metadata: ["client.address": "\(handler.value.address ?? "unknown")"])
            boundContext.value.close(promise: nil)
        }
    }

    /// The current request's answer must start within the request timeout of its headers' end.
    private func armRequestTimer(context: ChannelHandlerContext) {
        requestTimer?.cancel()
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        requestTimer = context.eventLoop.scheduleTask(in: TimeAmount(registry.limits.requestTimeout)) {
            guard handler.value.awaitingAnswer, !handler.value.webSocket else { return }
            handler.value.logger.warning("server.request_timeout", metadata: ["client.address": "\(handler.value.address ?? "unknown")"])
            boundContext.value.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        headerTimer?.cancel()
        requestTimer?.cancel()
        idleTimer?.cancel()
        if admitted, let address {
            registry.release(address: address)
            admitted = false
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted, !refused else { return }
        lastActivity = context.eventLoop.now
        if !webSocket {
            let buffer = unwrapInboundIn(data)
            if !inHeaders && !awaitingAnswer {
                // The first byte after an answer starts the next request: its headers are timed too.
                inHeaders = true
                armHeaderTimer(context: context)
            }
            if inHeaders {
                headerBytes += buffer.readableBytes
                // Scanned in place, byte by byte, across reads: no copy of what was read.
                for byte in buffer.readableBytesView {
                    if byte == 10 { requestLineEnded = true }
                    if let problem = headCheck?.take(byte) {
                        logger.debug("server.malformed_request", metadata: ["client.address": "\(address ?? "unknown")"])
                        answerAndClose(context: context, status: "400 Bad Request", message: "the request is not valid HTTP: \(problem)")
                        return
                    }
                    endMatched = byte == Self.endOfHeaders[endMatched] ? endMatched + 1 : (byte == 13 ? 1 : 0)
                    if endMatched == 4 { break }
                }
                if endMatched == 4 {
                    headCheck = nil
                    inHeaders = false
                    awaitingAnswer = true
                    headerTimer?.cancel()
                    armRequestTimer(context: context)
                } else if headerBytes > registry.limits.maximumHeaderBytes {
                    logger.debug("server.headers_too_large", metadata: ["client.address": "\(address ?? "unknown")"])
                    let limit = registry.limits.maximumHeaderBytes
                    if requestLineEnded {
                        answerAndClose(context: context, status: "431 Request Header Fields Too Large",
                                       message: "the request line and headers may have at most \(limit) bytes")
                    } else {
                        answerAndClose(context: context, status: "414 URI Too Long",
                                       message: "the request line may have at most \(limit) bytes")
                    }
                    return
                }
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        lastActivity = context.eventLoop.now
        if !webSocket {
            let buffer = unwrapOutboundIn(data)
            let start = buffer.readableBytes >= 12 ? buffer.getString(at: buffer.readerIndex, length: 12) : nil
            if start == "HTTP/1.1 101" {
                // "101 Switching Protocols": this connection is a WebSocket from now on.
                webSocket = true
                headerTimer?.cancel()
                requestTimer?.cancel()
            } else if start?.hasPrefix("HTTP/1.1 ") == true && awaitingAnswer {
                // An answer to the request read: the next one starts afresh.
                awaitingAnswer = false
                requestTimer?.cancel()
                headerBytes = 0
                requestLineEnded = false
                endMatched = 0
            }
            if start == "HTTP/1.1 400", let replaced = Self.withJSONBody(buffer) {
                context.write(wrapOutboundOut(replaced), promise: promise)
                return
            }
        }
        context.write(data, promise: promise)
    }

    /// The HTTP layer answers a request it cannot parse with an empty 400; every error of the API
    /// has a JSON body (`{"error":{…}}`) and the security headers, so that one is given them too.
    /// Returns nil for any other answer (the API's own 400s have bodies).
    static func withJSONBody(_ buffer: ByteBuffer) -> ByteBuffer? {
        guard let head = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes), head.hasSuffix("\r\n\r\n"),
              head.lowercased().contains("\r\ncontent-length: 0\r\n")
        else { return nil }
        let body = #"{"error":{"message":"the request is not valid HTTP"}}"#
        return ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n" + securityHeaders
                          + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body)
    }

    /// CR LF CR LF: the blank line after the headers.
    static let endOfHeaders: [UInt8] = [13, 10, 13, 10]

    /// Answers with a JSON error and closes: first the sending side, so the client reads the answer
    /// rather than a reset for the request bytes it already sent, then, shortly after, the rest.
    private func answerAndClose(context: ChannelHandlerContext, status: String, message: String, retryAfter: Bool = false) {
        refused = true
        headerTimer?.cancel()
        requestTimer?.cancel()
        idleTimer?.cancel()
        let body = #"{"error":{"message":"\#(message)"}}"#
        let response = "HTTP/1.1 \(status)\r\nContent-Type: application/json; charset=utf-8\r\n" + Self.securityHeaders
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
