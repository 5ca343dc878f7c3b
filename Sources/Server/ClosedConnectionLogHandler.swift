import Logging

/// Passes log records on to `base`, except one: the HTTP layer logs a connection closed before
/// its first request as an error ("Error handling upgrade result": the channel closed under the
/// WebSocket upgrade negotiation). The connection guard closes such connections on purpose
/// (idle, slow, refused), thousands at a time under attack, so that record is logged at debug.
struct ClosedConnectionLogHandler: LogHandler {
    var base: any LogHandler

    static let closedBeforeRequest = "Error handling upgrade result"

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if event.level == .error, event.message.description == Self.closedBeforeRequest {
            guard base.logLevel <= .debug else { return }
            event.level = .debug
        }
        base.log(event: event)
    }
}
