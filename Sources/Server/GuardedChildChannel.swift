import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// A server child channel with a ``ConnectionGuardHandler`` in front of everything else, so
/// connections are limited and timed before any HTTP is parsed; with TLS, the guard reads
/// what TLS decrypted (its header deadline includes the handshake).
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let registry: ConnectionRegistry
    let tls: NIOSSLContext?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            let operations = channel.pipeline.syncOperations
            let guardHandler = ConnectionGuardHandler(registry: registry, logger: logger)
            if let tls {
                // TLS nearest the socket, the guard right behind it (its own answers are encrypted too).
                let tlsHandler = NIOSSLServerHandler(context: tls)
                try operations.addHandler(tlsHandler, position: .first)
                try operations.addHandler(guardHandler, position: .after(tlsHandler))
            } else {
                try operations.addHandler(guardHandler, position: .first)
            }
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        let base = logger.handler
        await inner.handle(value: value, logger: Logger(label: logger.label) { _ in ClosedConnectionLogHandler(base: base) })
    }
}
