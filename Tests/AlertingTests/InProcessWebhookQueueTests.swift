import FootfallSupport
import FootfallTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Messaging
import NIOCore
import Storage
import Synchronization
import Testing
@testable import Alerting

/// A real HTTP receiver that is down (503), then up: every event (alert changes, a report
/// made) arrives once, signed, with retries timed by a manual clock.
struct InProcessWebhookQueueTests {
    static let secret = Array("shared-secret-of-the-receiver".utf8)

    /// What the receiver saw: every attempt, and the deliveries it accepted.
    final class Receiver: Sendable {
        struct Delivery: Sendable {
            var id: String
            var body: String
            var signed: Bool
        }
        let up = Mutex(false)
        let attempts = Mutex(0)
        let accepted = Mutex<[Delivery]>([])

        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.post("hook") { request, _ -> HTTPResponse.Status in
                self.attempts.withLock { $0 += 1 }
                guard self.up.withLock({ $0 }) else { return .serviceUnavailable }
                let body = try await request.body.collect(upTo: 1 << 20)
                let bytes = Array(body.readableBytesView)
                let signature = request.headers[HTTPField.Name("X-Footfall-Signature")!] ?? ""
                let signed = FootfallSignature.verify(header: signature, body: bytes, secret: InProcessWebhookQueueTests.secret,
                                                     now: Int(Date().timeIntervalSince1970))
                let id = request.headers[HTTPField.Name("X-Footfall-Delivery")!] ?? ""
                self.accepted.withLock { $0.append(Delivery(id: id, body: String(decoding: bytes, as: UTF8.self), signed: signed)) }
                return .noContent
            }
            return router
        }
    }

    func change(_ subject: String, _ state: Alert.State, id: UUID) -> WebhookEvent {
        let fired = Date(timeIntervalSince1970: 1_800_000_000)
        return .alert(.init(tenantID: Tenant.defaultID, alert: Alert(
            id: id, ruleID: UUID(), kind: .cameraDown, severity: .critical, subject: subject, cameraID: "door",
            message: "Camera Door is stalled", firedAt: fired,
            acknowledgedAt: state == .acknowledged ? fired.addingTimeInterval(5) : nil,
            acknowledgedBy: state == .acknowledged ? "alice" : nil), time: fired))
    }

    static let reportFile = UUID()

    /// Sunday's report of the site `shop`, with a link to its CSV.
    func report() -> WebhookEvent {
        .report(ReportReady(
            tenantID: Tenant.defaultID, siteID: "shop", period: "day", from: Date(timeIntervalSince1970: 1_806_184_800),
            name: "shop-day-2027-03-28",
            files: [.init(id: Self.reportFile, name: "shop-day-2027-03-28.csv", contentType: "text/csv; charset=utf-8", size: 812,
                          sha256: String(repeating: "ab", count: 32), path: "/api/v1/files/\(Self.reportFile.uuidString.lowercased())",
                          url: "https://counts.example/api/v1/files/\(Self.reportFile.uuidString.lowercased())")],
            time: Date(timeIntervalSince1970: 1_806_300_000)))
    }

    @Test func aWebhookThatIsDownThenUpGetsEveryEventOnceAndSigned() async throws {
        let receiver = Receiver()
        let app = Application(router: receiver.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let sender = HTTPWebhookSender(url: "http://127.0.0.1:\(port)/hook", secret: Self.secret)
            let clock = ManualClock()
            let delivery = InProcessWebhookQueue(
                sender: sender, policy: .init(maximumAttempts: 20, backoff: Backoff(initial: .seconds(1), maximum: .seconds(8), jitter: .none)),
                clock: clock, logger: Logger(label: "test.delivery"))
            let door = UUID(), yard = UUID()
            let changes = [change("camera:door", .firing, id: door), change("camera:yard", .firing, id: yard),
                           change("camera:door", .acknowledged, id: door), report()]
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await delivery.run() }
                for change in changes { await delivery.enqueue(change) }
                // Down: each change is tried, refused, and waits for its retry.
                try await eventually("first attempts") { receiver.attempts.withLock { $0 } >= 4 }
                try await eventually("a retry waiting") { clock.sleepers >= 1 }
                clock.advance(by: .seconds(1))
                try await eventually("second attempts") { receiver.attempts.withLock { $0 } >= 8 }
                #expect(receiver.accepted.withLock { $0.isEmpty })
                #expect(await delivery.waiting == 4)
                // Up: the next retry delivers them all.
                receiver.up.withLock { $0 = true }
                try await eventually("a retry waiting") { clock.sleepers >= 1 }
                clock.advance(by: .seconds(8))
                try await eventually("every event delivered") { await delivery.delivered == 4 }
                group.cancelAll()
            }
            try await sender.shutdown()
            let accepted = receiver.accepted.withLock { $0 }
            #expect(accepted.count == 4)
            let reportID = "report.\(Tenant.defaultID.uuidString.lowercased()).shop.shop-day-2027-03-28"
            #expect(Set(accepted.map(\.id)) == ["\(door.uuidString.lowercased()).firing", "\(yard.uuidString.lowercased()).firing",
                                                "\(door.uuidString.lowercased()).acknowledged", reportID])
            #expect(accepted.allSatisfy { $0.signed })
            #expect(accepted.filter { $0.id != reportID }.allSatisfy {
                $0.body.contains(#""type":"alert""#) && $0.body.contains(#""severity":"critical""#)
            })
            // The report's body links to its file, and reads back as the event sent.
            let body = try #require(accepted.first { $0.id == reportID }?.body)
            #expect(body.contains(#""type":"report""#))
            #expect(body.contains(#""url":"https://counts.example/api/v1/files/\#(Self.reportFile.uuidString.lowercased())""#))
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            #expect(try decoder.decode(WebhookEvent.self, from: Data(body.utf8)) == report())
            #expect(await delivery.deadLetters.isEmpty)
        }
    }

    @Test func aChangeThatNeverGetsThroughBecomesADeadLetter() async throws {
        // Nothing listens on this port: every attempt fails to connect.
        let sender = HTTPWebhookSender(url: "http://127.0.0.1:\(try FreePort.find())/hook", secret: Self.secret,
                                        connectTimeout: .milliseconds(200))
        let clock = ManualClock()
        let delivery = InProcessWebhookQueue(
            sender: sender, policy: .init(maximumAttempts: 3, backoff: Backoff(initial: .seconds(1), maximum: .seconds(1), jitter: .none)),
            clock: clock, logger: Logger(label: "test.delivery"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await delivery.run() }
            await delivery.enqueue(change("camera:door", .firing, id: UUID()))
            for _ in 0..<2 {
                try await eventually("a retry waiting") { clock.sleepers >= 1 }
                clock.advance(by: .seconds(1))
            }
            try await eventually("given up") { await delivery.deadLetters.count == 1 }
            group.cancelAll()
        }
        try await sender.shutdown()
        let letter = try #require(await delivery.deadLetters.first)
        #expect(letter.reason.contains("could not be reached"))
        #expect(await delivery.waiting == 0)
    }
}
