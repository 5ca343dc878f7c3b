import Foundation
import Messaging
import Prometheus
import Storage

/// What the HTTP server reads from and listens to; built by the composition root.
public struct ServerDependencies: Sendable {
    public var store: any FootfallStore
    public var live: any LiveStateStore
    public var bus: any EventBus
    public var metrics: PrometheusCollectorRegistry
    public var clock: @Sendable () -> Date

    public init(store: any FootfallStore, live: any LiveStateStore, bus: any EventBus,
                metrics: PrometheusCollectorRegistry, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.live = live
        self.bus = bus
        self.metrics = metrics
        self.clock = clock
    }
}
