import Messaging
import MessagingRabbitMQ
import Server
import Storage

extension FootfallApp {
    /// What `/readyz` checks: the store always; Redis (through the camera leases) and
    /// RabbitMQ's connection when they are configured.
    static func readinessChecks(store: any FootfallStore, messaging: MessagingSetup) -> [ReadinessCheck] {
        var checks = [ReadinessCheck(name: "store") { _ = try await store.camera(id: "readyz") }]
        if let leasing = messaging.leasing {
            checks.append(ReadinessCheck(name: "redis") { _ = try await leasing.leases.holder(cameraID: "readyz") })
        }
        if let amqp = messaging.amqp {
            checks.append(ReadinessCheck(name: "rabbitmq") {
                guard amqp.isConnected else { throw AMQPError.connectionClosed(reason: "not connected") }
            })
        }
        return checks
    }
}
