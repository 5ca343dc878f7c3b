import NIOCore

/// The protocol state of one AMQP connection, without any I/O: the handshake (start, tune, open), heartbeats, the
/// close handshake from either side, and the channels, each an `AMQPChannelStateMachine`.
///
/// Every event returns the actions that follow from it, for `AMQPConnectionHandler` to carry out. Time enters only
/// as the instants passed in (a frame read at, a heartbeat timer fired at), so tests drive it without a clock.
struct AMQPConnectionStateMachine {
    /// Where the connection is in its life.
    enum State: Equatable {
        /// The socket is not connected yet.
        case initialized
        /// The protocol header is sent; connection.start has not arrived.
        case awaitingStart
        /// start-ok is sent; connection.tune has not arrived.
        case awaitingTune
        /// tune-ok and open are sent; open-ok has not arrived.
        case awaitingOpenOk
        case open
        /// The client sent connection.close and waits for close-ok.
        case closing
        /// The socket is being closed (the broker closed the connection, or a failure); frames are ignored.
        case disconnecting
        /// The socket has closed; everything pending has failed.
        case closed
    }

    /// The limits agreed during tuning.
    struct Tuning: Equatable, Sendable {
        var channelMax: UInt16
        var frameMax: UInt32
        /// Seconds; 0 means no heartbeats.
        var heartbeat: UInt16
    }

    /// Something worth a log line.
    enum Event: Equatable {
        case closedByServer(replyCode: UInt16, replyText: String)
        /// The broker stopped reading publishes (for example low on memory).
        case blocked(reason: String)
        case unblocked
        /// Nothing arrived from the broker for two heartbeat intervals.
        case heartbeatMissed(heartbeat: UInt16)
    }

    /// What the handler does after an event, in order.
    enum Action: Equatable {
        /// Write the protocol header `AMQP 0 0 9 1` (raw bytes, not a frame) and flush.
        case writeProtocolHeader
        /// Write these frames and flush.
        case write([AMQPFrame])
        /// Call `handshakeTimedOut()` after this long.
        case scheduleHandshakeTimeout(TimeAmount)
        /// Call `heartbeatTimerFired(at:)` every `period` from now on.
        case startHeartbeatTimer(period: TimeAmount)
        /// Call `closeTimedOut()` after this long.
        case scheduleCloseTimeout(TimeAmount)
        /// connection.open-ok arrived: the connection is usable.
        case handshakeSucceeded
        /// Close the socket; `socketClosed()` follows.
        case closeSocket
        /// The connection is over, for this reason: stop the timers and report it.
        case ended(AMQPError)
        /// An action of channel `id`.
        case channel(UInt16, AMQPChannelStateMachine.Action)
        /// Log this.
        case report(Event)
    }

    private(set) var state = State.initialized
    private(set) var tuning: Tuning
    private let configuration: AMQPConfiguration
    /// Why the connection ends, once that is known; what every pending operation fails with.
    private(set) var closeError: AMQPError?
    private var channels: [UInt16: AMQPChannelStateMachine] = [:]
    private var nextChannelID: UInt16 = 1
    private var nextGeneration: UInt64 = 1
    private var lastRead = NIODeadline.uptimeNanoseconds(0)
    private var lastWrite = NIODeadline.uptimeNanoseconds(0)

    init(configuration: AMQPConfiguration) {
        self.configuration = configuration
        tuning = Tuning(channelMax: 2_047, frameMax: 4_096, heartbeat: 0)
    }

    var isOpen: Bool { state == .open }

    // MARK: The socket

    /// The socket connected at `now`: send the protocol header and start the handshake's clock.
    mutating func connected(at now: NIODeadline) -> [Action] {
        guard state == .initialized else { return [] }
        state = .awaitingStart
        lastRead = now
        lastWrite = now
        return [.writeProtocolHeader, .scheduleHandshakeTimeout(TimeAmount(configuration.connectTimeout))]
    }

    /// Bytes went out at `now`; heartbeats are only needed when nothing else was written.
    mutating func wrote(at now: NIODeadline) {
        lastWrite = now
    }

    /// Something went wrong below the protocol (a socket error, undecodable bytes): close with `error` as the reason.
    mutating func fail(_ error: AMQPError) -> [Action] {
        if closeError == nil { closeError = error }
        switch state {
        case .closed, .disconnecting:
            return []
        case .initialized, .awaitingStart, .awaitingTune, .awaitingOpenOk, .open, .closing:
            state = .disconnecting
            return [.closeSocket]
        }
    }

    /// The socket closed: every channel fails with the reason the connection ended.
    mutating func socketClosed() -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        let error = closeError ?? .connectionClosed(reason: "the socket closed")
        closeError = error
        var actions: [Action] = []
        for id in channels.keys.sorted() {
            actions += lift(id, channels[id]!.connectionClosed(error))
        }
        channels.removeAll()
        actions.append(.ended(error))
        return actions
    }

    // MARK: Timers

    /// The handshake did not finish within the connect timeout.
    mutating func handshakeTimedOut() -> [Action] {
        switch state {
        case .initialized, .awaitingStart, .awaitingTune, .awaitingOpenOk:
            return fail(.timeout(operation: "AMQP handshake"))
        case .open, .closing, .disconnecting, .closed:
            return []
        }
    }

    /// The heartbeat timer fired at `now` (every half interval): close if the broker has been silent for two
    /// intervals, send a heartbeat if the client has been silent for half of one.
    mutating func heartbeatTimerFired(at now: NIODeadline) -> [Action] {
        guard tuning.heartbeat > 0 else { return [] }
        switch state {
        case .awaitingOpenOk, .open, .closing:
            break
        case .initialized, .awaitingStart, .awaitingTune, .disconnecting, .closed:
            return []
        }
        let interval = TimeAmount.seconds(Int64(tuning.heartbeat))
        if now - lastRead > interval * 2 {
            return [.report(.heartbeatMissed(heartbeat: tuning.heartbeat))]
                + fail(.connectionClosed(reason: "missed two heartbeats from the server"))
        }
        if now - lastWrite >= .nanoseconds(interval.nanoseconds / 2) {
            return [.write([.heartbeat])]
        }
        return []
    }

    /// The broker did not answer connection.close in time.
    mutating func closeTimedOut() -> [Action] {
        state == .closing ? [.closeSocket] : []
    }

    // MARK: Closing

    /// The client closes the connection: connection.close, then close-ok, at most `timeout` later the socket.
    mutating func close(timeout: TimeAmount) -> [Action] {
        switch state {
        case .closing, .disconnecting, .closed:
            return []
        case .initialized, .awaitingStart, .awaitingTune, .awaitingOpenOk:
            return fail(.connectionClosed(reason: "the client closed the connection"))
        case .open:
            state = .closing
            closeError = .connectionClosed(reason: "the client closed the connection")
            return [.write([.method(channel: 0, .connectionClose(replyCode: 200, replyText: "Goodbye", classID: 0, methodID: 0))]),
                    .scheduleCloseTimeout(timeout)]
        }
    }

    // MARK: Frames from the broker

    /// Handles a frame that arrived at `now`.
    mutating func received(_ frame: AMQPFrame, at now: NIODeadline) -> [Action] {
        lastRead = now
        switch state {
        case .disconnecting, .closed:
            return []
        case .initialized, .awaitingStart, .awaitingTune, .awaitingOpenOk, .open, .closing:
            break
        }
        do throws(AMQPError) {
            switch frame {
            case .heartbeat:
                return []
            case .method(0, let method):
                return try received(method)
            case .header(0, _, _, _), .body(0, _):
                throw AMQPError.protocolViolation("content frame on channel 0")
            case .method(let id, _), .header(let id, _, _, _), .body(let id, _):
                // Frames may still arrive for a channel the client closed; they concern nobody.
                guard channels[id] != nil else { return [] }
                let actions = try channels[id]!.received(frame)
                if channels[id]!.state == .closed { channels[id] = nil }
                return lift(id, actions)
            }
        } catch {
            return fail(error)
        }
    }

    private mutating func received(_ method: AMQPMethod) throws(AMQPError) -> [Action] {
        switch method {
        case .connectionStart(_, _, _, let mechanisms, _):
            guard state == .awaitingStart else { throw AMQPError.protocolViolation("unexpected connection.start") }
            guard mechanisms.split(separator: " ").contains("PLAIN") else {
                throw AMQPError.protocolViolation("the server does not offer PLAIN authentication")
            }
            state = .awaitingTune
            return [.write([.method(channel: 0, startOk)])]
        case .connectionTune(let channelMax, let frameMax, let heartbeat):
            guard state == .awaitingTune else { throw AMQPError.protocolViolation("unexpected connection.tune") }
            tuning = Self.negotiate(configuration: configuration, channelMax: channelMax, frameMax: frameMax, heartbeat: heartbeat)
            state = .awaitingOpenOk
            var actions: [Action] = [.write([
                .method(channel: 0, .connectionTuneOk(channelMax: tuning.channelMax, frameMax: tuning.frameMax, heartbeat: tuning.heartbeat)),
                .method(channel: 0, .connectionOpen(virtualHost: configuration.virtualHost)),
            ])]
            if tuning.heartbeat > 0 {
                // Checking twice per interval sends a heartbeat in every idle interval and notices two missed ones in time.
                actions.append(.startHeartbeatTimer(period: .milliseconds(Int64(tuning.heartbeat) * 500)))
            }
            return actions
        case .connectionOpenOk:
            guard state == .awaitingOpenOk else { throw AMQPError.protocolViolation("unexpected connection.open-ok") }
            state = .open
            return [.handshakeSucceeded]
        case .connectionClose(let code, let text, _, _):
            // RabbitMQ answers a refused login with connection.close 403 (authentication_failure_close).
            if state == .awaitingTune && code == 403 {
                closeError = .authenticationFailed(user: configuration.user)
            } else if closeError == nil {
                closeError = .connectionClosedByServer(replyCode: code, replyText: text)
            }
            state = .disconnecting
            return [.report(.closedByServer(replyCode: code, replyText: text)),
                    .write([.method(channel: 0, .connectionCloseOk)]), .closeSocket]
        case .connectionCloseOk:
            guard state == .closing else { throw AMQPError.protocolViolation("unexpected connection.close-ok") }
            state = .disconnecting
            return [.closeSocket]
        case .connectionBlocked(let reason):
            return [.report(.blocked(reason: reason))]
        case .connectionUnblocked:
            return [.report(.unblocked)]
        default:
            throw AMQPError.protocolViolation("unexpected method \(method.ids) on channel 0")
        }
    }

    private var startOk: AMQPMethod {
        let capabilities: AMQPFieldTable = [
            "publisher_confirms": .bool(true), "consumer_cancel_notify": .bool(true), "basic.nack": .bool(true),
            "authentication_failure_close": .bool(true), "connection.blocked": .bool(true),
        ]
        let properties: AMQPFieldTable = [
            "product": .string("Footfall"), "platform": .string("Swift"), "capabilities": .table(capabilities),
            "connection_name": .string(configuration.connectionName),
        ]
        let response = [0] + Array(configuration.user.utf8) + [0] + Array(configuration.password.utf8)
        return .connectionStartOk(clientProperties: properties, mechanism: "PLAIN", response: response, locale: "en_US")
    }

    /// The limits both sides accept: the lower of the two, where 0 from the broker means "no limit". For heartbeats
    /// 0 from either side means "whatever the other says", and the lower non-zero value wins.
    static func negotiate(configuration: AMQPConfiguration, channelMax: UInt16, frameMax: UInt32, heartbeat: UInt16) -> Tuning {
        let clientHeartbeat = configuration.heartbeat
        return Tuning(
            channelMax: channelMax == 0 ? 2_047 : min(channelMax, 2_047),
            frameMax: frameMax == 0 ? max(4_096, configuration.frameMax) : min(frameMax, max(4_096, configuration.frameMax)),
            heartbeat: clientHeartbeat == 0 || heartbeat == 0 ? max(clientHeartbeat, heartbeat) : min(clientHeartbeat, heartbeat))
    }

    // MARK: Channels

    /// Opens a channel on a free id; `token` succeeds with open-ok. Ids are reused once closed; generations are not.
    mutating func openChannel(token: AMQPToken) throws(AMQPError) -> (id: UInt16, generation: UInt64, actions: [Action]) {
        guard state == .open else { throw closeError ?? AMQPError.notConnected }
        var candidate = nextChannelID
        for _ in 0..<Int(tuning.channelMax) {
            if channels[candidate] == nil { break }
            candidate = candidate >= tuning.channelMax ? 1 : candidate + 1
        }
        guard channels[candidate] == nil else {
            throw AMQPError.protocolViolation("no free channel (channel max \(tuning.channelMax))")
        }
        nextChannelID = candidate >= tuning.channelMax ? 1 : candidate + 1
        var channel = AMQPChannelStateMachine(id: candidate, generation: nextGeneration, frameMax: tuning.frameMax)
        nextGeneration += 1
        let actions = channel.open(token: token)
        channels[candidate] = channel
        return (candidate, channel.generation, lift(candidate, actions))
    }

    /// Whether channel `id` is open and still the incarnation `generation`.
    func isChannelOpen(_ id: UInt16, generation: UInt64) -> Bool {
        state == .open && channels[id]?.generation == generation && channels[id]?.state == .open
    }

    /// Sends a synchronous method on a channel; `token` is answered with the response.
    mutating func call(_ method: AMQPMethod, channel id: UInt16, generation: UInt64, token: AMQPToken) throws(AMQPError) -> [Action] {
        try onOpenChannel(id, generation) { (channel: inout AMQPChannelStateMachine) throws(AMQPError) in
            try channel.call(method, token: token)
        }
    }

    /// Sends a method without a response (ack, nack, reject) on a channel.
    mutating func send(_ method: AMQPMethod, channel id: UInt16, generation: UInt64) throws(AMQPError) -> [Action] {
        try onOpenChannel(id, generation) { (channel: inout AMQPChannelStateMachine) throws(AMQPError) in
            try channel.send(method)
        }
    }

    /// Starts a consumer on a channel; `token` is answered with consume-ok, `consumer` receives the deliveries.
    mutating func consume(queue: String, consumerTag: String, channel id: UInt16, generation: UInt64, consumer: AMQPToken,
                          token: AMQPToken) throws(AMQPError) -> [Action] {
        try onOpenChannel(id, generation) { (channel: inout AMQPChannelStateMachine) throws(AMQPError) in
            try channel.consume(queue: queue, consumerTag: consumerTag, consumer: consumer, token: token)
        }
    }

    /// Publishes on a channel in confirm mode; each token settles with its message's confirm.
    mutating func publish(_ messages: [AMQPMessage], channel id: UInt16, generation: UInt64, tokens: [AMQPToken]) throws(AMQPError) -> [Action] {
        try onOpenChannel(id, generation) { (channel: inout AMQPChannelStateMachine) throws(AMQPError) in
            try channel.publish(messages, tokens: tokens)
        }
    }

    /// Closes a channel; `token` succeeds once it is closed (at once if it already is).
    mutating func closeChannel(_ id: UInt16, generation: UInt64, token: AMQPToken) -> [Action] {
        guard state == .open, channels[id]?.generation == generation else { return [.channel(id, .succeed(token))] }
        return lift(id, channels[id]!.close(token: token))
    }

    private mutating func onOpenChannel(
        _ id: UInt16, _ generation: UInt64,
        _ body: (inout AMQPChannelStateMachine) throws(AMQPError) -> [AMQPChannelStateMachine.Action]
    ) throws(AMQPError) -> [Action] {
        guard state == .open else { throw closeError ?? AMQPError.notConnected }
        guard channels[id]?.generation == generation else { throw AMQPError.channelClosed }
        return lift(id, try body(&channels[id]!))
    }

    private func lift(_ id: UInt16, _ actions: [AMQPChannelStateMachine.Action]) -> [Action] {
        actions.map { .channel(id, $0) }
    }
}
