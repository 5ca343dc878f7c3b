import Foundation
import Messaging
import Storage
import Testing

/// The webhook's body reads back as the event sent; an alert's is the WebSocket's `alert`
/// message, and a live message that is not an alert is not a webhook event.
struct WebhookEventCodableTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    static func coders() -> (JSONEncoder, JSONDecoder) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (encoder, decoder)
    }

    @Test func anAlertIsSentAsTheLiveAlertMessageAndReadsBack() throws {
        let (encoder, decoder) = Self.coders()
        let change = LiveMessage.AlertChange(tenantID: Tenant.defaultID, alert: Alert(
            ruleID: UUID(), kind: .cameraDown, severity: .critical, subject: "camera:door", cameraID: "door", message: "down",
            firedAt: Self.time), time: Self.time)
        let event = WebhookEvent.alert(change)
        let body = try encoder.encode(event)
        #expect(body == (try encoder.encode(LiveMessage.alert(change))))
        #expect(try decoder.decode(WebhookEvent.self, from: body) == event)
        #expect(event.routingKey == "alert.critical")
        #expect(event.deliveryID == "\(change.alert.id.uuidString.lowercased()).firing")
    }

    @Test func aReportReadsBackWithItsLinks() throws {
        let (encoder, decoder) = Self.coders()
        let id = UUID()
        let event = WebhookEvent.report(ReportReady(
            tenantID: Tenant.defaultID, siteID: "shop", period: "week", from: Self.time, name: "shop-week-2027-01-11",
            files: [.init(id: id, name: "shop-week-2027-01-11.csv", contentType: "text/csv", size: 10, sha256: "00",
                          path: "/api/v1/files/\(id)", url: nil)],
            time: Self.time))
        let body = try encoder.encode(event)
        #expect(String(decoding: body, as: UTF8.self).contains(#""type":"report""#))
        #expect(try decoder.decode(WebhookEvent.self, from: body) == event)
        #expect(event.routingKey == "report.week")
        #expect(event.deliveryID == "report.\(Tenant.defaultID.uuidString.lowercased()).shop.shop-week-2027-01-11")
    }

    @Test func aLiveMessageThatIsNotAnAlertIsRefused() throws {
        let (encoder, decoder) = Self.coders()
        let status = try encoder.encode(LiveMessage.status(.init(cameraID: "door", status: .online, reason: nil, time: Self.time)))
        #expect(throws: DecodingError.self) { try decoder.decode(WebhookEvent.self, from: status) }
        #expect(throws: DecodingError.self) { try decoder.decode(WebhookEvent.self, from: Data(#"{"type":"report"}"#.utf8)) }
    }
}
