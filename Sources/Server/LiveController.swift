import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Messaging

/// `/api/v1/live` (current numbers) and `/api/v1/live/ws` (pushed updates).
struct LiveController {
    let dependencies: ServerDependencies
    let authenticator: Authenticator
    let cameraLists: CameraListCache
    let streams: LiveStreamCounter

    /// How often an open stream checks that its caller's session still holds (wall-clock
    /// seconds, checked when there is something to send).
    static let recheckInterval: TimeInterval = 5

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .get, "live", .role(.viewer), use: live)
        // The upgrade is checked before it happens; the stream then carries only the caller's cameras.
        group.ws("live/ws", shouldUpgrade: { _, context in
            try RouteTable.check(.role(.viewer), context)
            // Checked here so the refusal is an answer; counted once open (a few at once may pass together).
            let address = context.clientAddress ?? "unknown"
            guard streams.hasRoom(for: address) else {
                context.logger.warning("live.stream_refused", metadata: ["client.address": "\(address)",
                                                                         "limit": "\(streams.maximumPerAddress)"])
                throw APIError(.tooManyRequests, message: "at most \(streams.maximumPerAddress) live streams from one address")
            }
            return .upgrade([:])
        }, onUpgrade: { inbound, outbound, context in
            guard let caller = context.requestContext.identity else { return }
            let address = context.requestContext.clientAddress ?? "unknown"
            streams.opened(address)
            defer { streams.closed(address) }
            try await stream(inbound: inbound, outbound: outbound, caller: caller, logger: context.logger)
        })
        table.record(.get, "live/ws", .role(.viewer))
    }

    /// The current numbers of the cameras the caller may see.
    @Sendable func live(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let caller = try context.caller()
        let tenant = caller.user.tenantID
        let cameras = try await cameraLists.cameras(tenant: tenant, now: dependencies.clock()) {
            try await dependencies.store.scoped(to: tenant).cameras()
        }
        let visible = Set(cameras.filter { caller.user.maySee(site: $0.siteID) }.map(\.id))
        let states = await dependencies.live.states().filter { visible.contains($0.cameraID) }
        return try JSONResponse.make(APIModels.LiveList(cameras: states.map(APIModels.LiveCamera.init)))
    }

    /// The ids of the cameras `caller` may see now, or nil when the store cannot say: the caller
    /// then keeps the set it had, rather than hearing of no camera until the next check.
    private func visibleCameras(_ caller: Identity, logger: Logger) async -> Set<String>? {
        let store = dependencies.store.scoped(to: caller.user.tenantID)
        do {
            let cameras = try await store.cameras()
            return Set(cameras.filter { caller.user.maySee(site: $0.siteID) }.map(\.id))
        } catch {
            logger.warning("live.cameras_unavailable", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Sends `{"type":"hello"}` once subscribed, then one message per live event of the caller's
    /// cameras until the client leaves.
    private func stream(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, caller: Identity,
                        logger: Logger) async throws {
        let messages = dependencies.bus.subscribe()
        let initial = await visibleCameras(caller, logger: logger)
        let encoder = JSONResponse.encoder()
        let hello = #"{"time":"\#(dependencies.clock().formatted(.iso8601))","type":"hello"}"#
        try await outbound.write(.text(hello))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var caller = caller
                var visible = initial ?? []
                // Not known at the start: asked again with the first message.
                var checked = initial == nil ? Date.distantPast : dependencies.clock()
                for await message in messages {
                    // A signed-out, revoked or changed user must not go on receiving what they may no
                    // longer see: the stream ends once their session no longer holds.
                    if dependencies.clock().timeIntervalSince(checked) >= Self.recheckInterval {
                        guard let current = await authenticator.current(caller) else {
                            logger.debug("live.caller_revoked")
                            return
                        }
                        let changed = current.user != caller.user
                        caller = current
                        // Unknown for now: the same user keeps what they saw; a changed one (fewer
                        // sites, say) sees nothing until the store answers again.
                        visible = await visibleCameras(caller, logger: logger) ?? (changed ? [] : visible)
                        checked = dependencies.clock()
                    }
                    if case .camera(let change) = message {
                        // Another tenant's cameras are none of this client's business.
                        guard change.tenantID == caller.user.tenantID else { continue }
                        let wasVisible = visible.contains(change.cameraID)
                        visible = await visibleCameras(caller, logger: logger) ?? visible
                        // A deletion is news only to those who could see the camera.
                        guard visible.contains(change.cameraID) || (change.change == .deleted && wasVisible) else { continue }
                    } else if case .alert(let change) = message {
                        guard change.tenantID == caller.user.tenantID else { continue }
                        guard AlertController.mayUse(change.alert, user: caller.user, visibleCameras: visible) else { continue }
                    } else if let camera = message.cameraID, !visible.contains(camera) {
                        continue
                    }
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
