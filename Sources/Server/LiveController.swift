import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Messaging

/// `/api/v1/live` (current numbers) and `/api/v1/live/ws` (pushed updates).
struct LiveController {
    let dependencies: ServerDependencies

    func addRoutes(to group: RouterGroup<FootfallRequestContext>) {
        group.get("live", use: live)
        group.ws("live/ws") { inbound, outbound, context in
            try await stream(inbound: inbound, outbound: outbound, logger: context.logger)
        }
    }

    @Sendable func live(_ request: Request, context: some RequestContext) async throws -> Response {
        let states = await dependencies.live.states()
        return try JSONResponse.make(APIModels.LiveList(cameras: states.map(APIModels.LiveCamera.init)))
    }

    /// Sends `{"type":"hello"}` once subscribed, then one message per live event until the client leaves.
    private func stream(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async throws {
        let messages = dependencies.bus.subscribe()
        let encoder = JSONResponse.encoder()
        let hello = #"{"time":"\#(dependencies.clock().formatted(.iso8601))","type":"hello"}"#
        try await outbound.write(.text(hello))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in messages {
                    let data = try encoder.encode(message)
                    try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
                }
            }
            group.addTask {
                // Clients send nothing; reading only notices when they close.
                for try await _ in inbound {}
            }
            _ = try await group.next()
            group.cancelAll()
        }
        logger.debug("live.client_left")
    }
}
