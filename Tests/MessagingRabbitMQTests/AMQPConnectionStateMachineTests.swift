import NIOCore
import Testing
@testable import MessagingRabbitMQ

/// The connection state machine on its own: no server, no event loop; time is the instants the tests pass in.
@Suite struct AMQPConnectionStateMachineTests {
    typealias Machine = AMQPConnectionStateMachine

    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let serverStart = AMQPMethod.connectionStart(versionMajor: 0, versionMinor: 9, serverProperties: [:],
                                                        mechanisms: "AMQPLAIN PLAIN", locales: "en_US")

    static func configuration(heartbeat: UInt16 = 10) -> AMQPConfiguration {
        AMQPConfiguration(user: "counter", password: "s3cret", virtualHost: "site", heartbeat: heartbeat, frameMax: 131_072,
                          connectTimeout: .seconds(7))
    }

    static func at(_ seconds: Double) -> NIODeadline {
        start + .nanoseconds(Int64(seconds * 1e9))
    }

    static func tune(heartbeat: UInt16) -> AMQPFrame {
        .method(channel: 0, .connectionTune(channelMax: 2_047, frameMax: 131_072, heartbeat: heartbeat))
    }

    /// A machine taken through the handshake at `start`.
    static func open(client: UInt16 = 10, server: UInt16 = 60) -> Machine {
        var machine = Machine(configuration: configuration(heartbeat: client))
        _ = machine.connected(at: start)
        _ = machine.received(.method(channel: 0, serverStart), at: start)
        _ = machine.received(tune(heartbeat: server), at: start)
        #expect(machine.received(.method(channel: 0, .connectionOpenOk), at: start) == [.handshakeSucceeded])
        return machine
    }

    /// Opens channel 1 on an open machine, with token 100.
    static func openChannel(_ machine: inout Machine) throws -> UInt64 {
        let opened = try machine.openChannel(token: AMQPToken(100))
        #expect(opened.actions == [.channel(opened.id, .write([.method(channel: opened.id, .channelOpen)]))])
        #expect(machine.received(.method(channel: opened.id, .channelOpenOk), at: start) == [.channel(opened.id, .succeed(AMQPToken(100)))])
        return opened.generation
    }

    @Test func handshakeSendsTheHeaderCredentialsTuningAndOpen() throws {
        var machine = Machine(configuration: Self.configuration(heartbeat: 10))
        #expect(machine.connected(at: Self.start) == [.writeProtocolHeader, .scheduleHandshakeTimeout(.seconds(7))])

        let startOk = machine.received(.method(channel: 0, Self.serverStart), at: Self.start)
        guard case .write(let frames) = try #require(startOk.first),
              case .method(0, .connectionStartOk(let properties, let mechanism, let response, _)) = try #require(frames.first)
        else { Issue.record("expected start-ok, got \(startOk)"); return }
        #expect(mechanism == "PLAIN")
        #expect(response == [0] + Array("counter".utf8) + [0] + Array("s3cret".utf8))
        #expect(properties["capabilities"]?.tableValue?["publisher_confirms"] == .bool(true))

        #expect(machine.received(Self.tune(heartbeat: 60), at: Self.start) == [
            .write([.method(channel: 0, .connectionTuneOk(channelMax: 2_047, frameMax: 131_072, heartbeat: 10)),
                    .method(channel: 0, .connectionOpen(virtualHost: "site"))]),
            .startHeartbeatTimer(period: .seconds(5)),
        ])
        #expect(!machine.isOpen)
        #expect(throws: AMQPError.notConnected) { try machine.openChannel(token: AMQPToken(1)) }
        #expect(machine.received(.method(channel: 0, .connectionOpenOk), at: Self.start) == [.handshakeSucceeded])
        #expect(machine.isOpen)
        // The handshake timer may still fire; it changes nothing now.
        #expect(machine.handshakeTimedOut() == [])
    }

    @Test(arguments: [
        // (client, server, agreed)
        (UInt16(0), UInt16(60), UInt16(60)),
        (30, 0, 30),
        (30, 60, 30),
        (60, 30, 30),
        (0, 0, 0),
    ])
    func heartbeatNegotiation(client: UInt16, server: UInt16, agreed: UInt16) {
        var machine = Machine(configuration: Self.configuration(heartbeat: client))
        _ = machine.connected(at: Self.start)
        _ = machine.received(.method(channel: 0, Self.serverStart), at: Self.start)
        let actions = machine.received(Self.tune(heartbeat: server), at: Self.start)
        #expect(machine.tuning.heartbeat == agreed)
        guard case .write(let frames) = actions.first else { Issue.record("expected tune-ok"); return }
        #expect(frames.first == .method(channel: 0, .connectionTuneOk(channelMax: 2_047, frameMax: 131_072, heartbeat: agreed)))
        if agreed == 0 {
            #expect(actions.count == 1)
            // Without heartbeats the timer never runs, and would do nothing if it did.
            #expect(machine.heartbeatTimerFired(at: Self.at(3_600)) == [])
        } else {
            #expect(actions.last == .startHeartbeatTimer(period: .milliseconds(Int64(agreed) * 500)))
        }
    }

    @Test func limitsTakeTheLowerValueAndZeroFromTheServerMeansNoLimit() {
        let configuration = Self.configuration()
        #expect(Machine.negotiate(configuration: configuration, channelMax: 0, frameMax: 0, heartbeat: 0)
                == Machine.Tuning(channelMax: 2_047, frameMax: 131_072, heartbeat: 10))
        #expect(Machine.negotiate(configuration: configuration, channelMax: 64, frameMax: 8_192, heartbeat: 5)
                == Machine.Tuning(channelMax: 64, frameMax: 8_192, heartbeat: 5))
    }

    @Test func heartbeatsAreSentOnlyInIdleHalfIntervals() {
        var machine = Self.open(client: 10, server: 60)
        // Nothing written since the handshake at 0: half an interval later a heartbeat goes out.
        #expect(machine.heartbeatTimerFired(at: Self.at(5)) == [.write([.heartbeat])])
        machine.wrote(at: Self.at(5))
        machine.wrote(at: Self.at(8))
        _ = machine.received(.heartbeat, at: Self.at(9))
        // Something was written 2 s ago: no heartbeat needed.
        #expect(machine.heartbeatTimerFired(at: Self.at(10)) == [])
        #expect(machine.heartbeatTimerFired(at: Self.at(15)) == [.write([.heartbeat])])
    }

    @Test func twoMissedHeartbeatsCloseTheConnection() {
        var machine = Self.open(client: 10, server: 60)
        _ = machine.received(.heartbeat, at: Self.at(9))
        for second in stride(from: 10.0, through: 29.0, by: 5) {
            let actions = machine.heartbeatTimerFired(at: Self.at(second))
            #expect(!actions.contains(.closeSocket), "still within two intervals of the last frame at \(second) s")
            machine.wrote(at: Self.at(second))
        }
        // Exactly two intervals is still in time; any later is not.
        #expect(machine.heartbeatTimerFired(at: Self.at(29)) == [])
        #expect(machine.heartbeatTimerFired(at: Self.at(29.5)) == [.report(.heartbeatMissed(heartbeat: 10)), .closeSocket])
        #expect(machine.heartbeatTimerFired(at: Self.at(30)) == [])
        #expect(machine.socketClosed() == [.ended(.connectionClosed(reason: "missed two heartbeats from the server"))])
    }

    @Test func aServerCloseDuringTuningIsAnAuthenticationFailure() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.connected(at: Self.start)
        _ = machine.received(.method(channel: 0, Self.serverStart), at: Self.start)
        let text = "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN"
        #expect(machine.received(.method(channel: 0, .connectionClose(replyCode: 403, replyText: text, classID: 0, methodID: 0)), at: Self.start) == [
            .report(.closedByServer(replyCode: 403, replyText: text)),
            .write([.method(channel: 0, .connectionCloseOk)]),
            .closeSocket,
        ])
        // Frames after the close concern nobody.
        #expect(machine.received(Self.tune(heartbeat: 60), at: Self.start) == [])
        #expect(machine.socketClosed() == [.ended(.authenticationFailed(user: "counter"))])
        #expect(machine.socketClosed() == [])
    }

    @Test func aServerCloseWhenOpenCarriesTheServersReason() {
        var machine = Self.open()
        let text = "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'"
        _ = machine.received(.method(channel: 0, .connectionClose(replyCode: 320, replyText: text, classID: 0, methodID: 0)), at: Self.start)
        #expect(machine.socketClosed() == [.ended(.connectionClosedByServer(replyCode: 320, replyText: text))])
    }

    @Test func aHandshakeThatTakesTooLongFailsWithATimeout() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.connected(at: Self.start)
        _ = machine.received(.method(channel: 0, Self.serverStart), at: Self.start)
        #expect(machine.handshakeTimedOut() == [.closeSocket])
        #expect(machine.socketClosed() == [.ended(.timeout(operation: "AMQP handshake"))])
    }

    @Test func theClientsCloseWaitsForCloseOk() {
        var machine = Self.open()
        #expect(machine.close(timeout: .seconds(2)) == [
            .write([.method(channel: 0, .connectionClose(replyCode: 200, replyText: "Goodbye", classID: 0, methodID: 0))]),
            .scheduleCloseTimeout(.seconds(2)),
        ])
        #expect(machine.close(timeout: .seconds(2)) == [])
        #expect(throws: AMQPError.connectionClosed(reason: "the client closed the connection")) { try machine.openChannel(token: AMQPToken(1)) }
        #expect(machine.received(.method(channel: 0, .connectionCloseOk), at: Self.start) == [.closeSocket])
        #expect(machine.closeTimedOut() == [])
        #expect(machine.socketClosed() == [.ended(.connectionClosed(reason: "the client closed the connection"))])

        // Without close-ok the timeout closes the socket.
        var silent = Self.open()
        _ = silent.close(timeout: .seconds(2))
        #expect(silent.closeTimedOut() == [.closeSocket])
    }

    @Test func aChannelClosedByTheServerFailsItsPendingRPCsAndCancelsItsConsumers() throws {
        var machine = Self.open()
        let generation = try Self.openChannel(&machine)
        _ = try machine.consume(queue: "counts", consumerTag: "c1", channel: 1, generation: generation, consumer: AMQPToken(1), token: AMQPToken(2))
        _ = machine.received(.method(channel: 1, .basicConsumeOk(consumerTag: "c1")), at: Self.start)
        let declare = AMQPMethod.queueDeclare(queue: "missing", passive: true, durable: false, exclusive: false, autoDelete: false,
                                              noWait: false, arguments: [:])
        #expect(try machine.call(declare, channel: 1, generation: generation, token: AMQPToken(3)) == [.channel(1, .write([.method(channel: 1, declare)]))])

        let text = "NOT_FOUND - no queue 'missing'"
        let error = AMQPError.channelClosedByServer(replyCode: 404, replyText: text)
        #expect(machine.received(.method(channel: 1, .channelClose(replyCode: 404, replyText: text, classID: 50, methodID: 10)), at: Self.start) == [
            .channel(1, .write([.method(channel: 1, .channelCloseOk)])),
            .channel(1, .report(.closedByServer(replyCode: 404, replyText: text))),
            .channel(1, .fail([AMQPToken(3)], error)),
            .channel(1, .cancelConsumers([AMQPToken(1)], error)),
        ])
        // The connection stays up; the closed channel refuses work, and a new one is a new generation.
        #expect(machine.isOpen)
        #expect(!machine.isChannelOpen(1, generation: generation))
        #expect(throws: AMQPError.channelClosed) { try machine.call(declare, channel: 1, generation: generation, token: AMQPToken(4)) }
        #expect(machine.closeChannel(1, generation: generation, token: AMQPToken(5)) == [.channel(1, .succeed(AMQPToken(5)))])
        let next = try machine.openChannel(token: AMQPToken(6))
        #expect(next.generation != generation)
    }

    @Test func theEndOfTheConnectionFailsEveryChannelsWork() throws {
        var machine = Self.open()
        let generation = try Self.openChannel(&machine)
        _ = try machine.consume(queue: "counts", consumerTag: "c1", channel: 1, generation: generation, consumer: AMQPToken(1), token: AMQPToken(2))
        _ = try machine.publish([AMQPMessage(exchange: "x", routingKey: "k", body: "m")], channel: 1, generation: generation, tokens: [AMQPToken(3)])
        _ = machine.fail(.connectionClosed(reason: "connection reset by peer"))
        let error = AMQPError.connectionClosed(reason: "connection reset by peer")
        // Consumers are not cancelled: the client starts them again on its next connection.
        #expect(machine.socketClosed() == [
            .channel(1, .fail([AMQPToken(2), AMQPToken(3)], error)),
            .channel(1, .forgetConsumers([AMQPToken(1)])),
            .ended(error),
        ])
        #expect(throws: error) { try machine.send(.basicAck(deliveryTag: 1, multiple: false), channel: 1, generation: generation) }
    }

    @Test func protocolViolationsCloseTheConnection() throws {
        var unexpected = Self.open()
        #expect(unexpected.received(.method(channel: 0, .channelOpenOk), at: Self.start) == [.closeSocket])
        #expect(unexpected.socketClosed() == [.ended(.protocolViolation("unexpected method (classID: 20, methodID: 11) on channel 0"))])

        var tooLong = Self.open()
        let generation = try Self.openChannel(&tooLong)
        _ = try tooLong.call(.basicGet(queue: "q", noAck: false), channel: 1, generation: generation, token: AMQPToken(1))
        _ = tooLong.received(.method(channel: 1, .basicGetOk(deliveryTag: 1, redelivered: false, exchange: "", routingKey: "q", messageCount: 0)), at: Self.start)
        _ = tooLong.received(.header(channel: 1, classID: 60, bodySize: 2, properties: AMQPBasicProperties()), at: Self.start)
        #expect(tooLong.received(.body(channel: 1, ByteBuffer(string: "abc")), at: Self.start) == [.closeSocket])
        let violation = AMQPError.protocolViolation("content body longer than announced on channel 1")
        #expect(tooLong.socketClosed() == [.channel(1, .fail([AMQPToken(1)], violation)), .ended(violation)])

        var noPlain = Machine(configuration: Self.configuration())
        _ = noPlain.connected(at: Self.start)
        let start = AMQPMethod.connectionStart(versionMajor: 0, versionMinor: 9, serverProperties: [:], mechanisms: "EXTERNAL", locales: "en_US")
        #expect(noPlain.received(.method(channel: 0, start), at: Self.start) == [.closeSocket])
        #expect(noPlain.socketClosed() == [.ended(.protocolViolation("the server does not offer PLAIN authentication"))])
    }
}
