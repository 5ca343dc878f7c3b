import NIOCore

/// A request handed to ``RedisChannelHandler`` on its event loop.
struct RedisRequest: Sendable {
    enum Reply: Sendable {
        /// One reply, for one command.
        case single(EventLoopPromise<RESPValue>)
        /// `count` replies, for that many commands written together.
        case batch(count: Int, EventLoopPromise<[RESPValue]>)
        /// No reply expected here (pub/sub subscriptions answer through the push handler).
        case none
    }

    var encoded: ByteBuffer
    var name: String
    var reply: Reply
}

/// Matches replies to requests in order (Redis answers in the order it was asked) and enforces the
/// command timeout. Lives on one event loop; every method runs there.
final class RedisChannelHandler: ChannelInboundHandler {
    typealias InboundIn = RESPValue
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var name: String
        var deadline: NIODeadline
        var reply: RedisRequest.Reply
    }

    private var pending = CircularBuffer<Pending>(initialCapacity: 64)
    private var batch: [RESPValue] = []
    private var context: ChannelHandlerContext?
    private var closed = false
    private var timer: Scheduled<Void>?
    private let timeout: TimeAmount
    private let onPush: (@Sendable (RESPValue) -> Void)?

    /// `onPush` receives RESP3 push values, and any reply when no request waits for one (RESP2 pub/sub).
    init(timeout: TimeAmount, onPush: (@Sendable (RESPValue) -> Void)?) {
        self.timeout = timeout
        self.onPush = onPush
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(RedisError.connectionClosed)
        self.context = nil
    }

    /// Writes and flushes a request, remembering who waits for its replies.
    func enqueue(_ request: RedisRequest) {
        guard !closed, let context else {
            fail(request.reply, RedisError.connectionClosed)
            return
        }
        switch request.reply {
        case .none:
            break
        case .single, .batch:
            pending.append(Pending(name: request.name, deadline: .now() + timeout, reply: request.reply))
            if timer == nil { scheduleTimer(at: pending.first!.deadline, context: context) }
        }
        context.writeAndFlush(wrapOutboundOut(request.encoded), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = unwrapInboundIn(data)
        if case .push = value {
            onPush?(value)
            return
        }
        guard let head = pending.first else {
            if let onPush {
                onPush(value)
            } else {
                failAll(RedisError.protocolViolation("a reply arrived with no command waiting for it"))
                context.close(promise: nil)
            }
            return
        }
        switch head.reply {
        case .single(let promise):
            pending.removeFirst()
            promise.succeed(value)
        case .batch(let count, let promise):
            if batch.isEmpty { batch.reserveCapacity(count) }
            batch.append(value)
            if batch.count == count {
                pending.removeFirst()
                let replies = batch
                batch = []
                promise.succeed(replies)
            }
        case .none:
            pending.removeFirst()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason = error as? RedisError ?? .connectionClosed
        failAll(reason)
        context.close(promise: nil)
    }

    // One timer at a time, set for the oldest request; it re-arms itself rather than being
    // rescheduled on every reply, which keeps the hot path free of timer work.
    private func scheduleTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            guard let head = pending.first, let context = self.context else { return }
            if head.deadline <= .now() {
                // The reply may still come, so every later reply would go to the wrong waiter.
                failAll(RedisError.timeout(command: head.name))
                context.close(promise: nil)
            } else {
                scheduleTimer(at: head.deadline, context: context)
            }
        }
    }

    private func failAll(_ error: RedisError) {
        closed = true
        timer?.cancel()
        timer = nil
        batch = []
        var first = true
        while let entry = pending.popFirst() {
            // Only the oldest request really timed out; the others lost their connection.
            fail(entry.reply, first ? error : (error == .connectionClosed ? error : .connectionClosed))
            first = false
        }
    }

    private func fail(_ reply: RedisRequest.Reply, _ error: RedisError) {
        switch reply {
        case .single(let promise): promise.fail(error)
        case .batch(_, let promise): promise.fail(error)
        case .none: break
        }
    }
}
