import Foundation

/// The webhook's body: an alert as the WebSocket sends it (`"type": "alert"`), or
/// `{"type": "report", "tenant", "site", "period", "from", "name", "files", "time"}`.
extension WebhookEvent: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, tenant, site, period, from, name, files, time
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .alert(let change):
            try LiveMessage.alert(change).encode(to: encoder)
        case .report(let report):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("report", forKey: .type)
            try container.encode(report.tenantID, forKey: .tenant)
            try container.encode(report.siteID, forKey: .site)
            try container.encode(report.period, forKey: .period)
            try container.encode(report.from, forKey: .from)
            try container.encode(report.name, forKey: .name)
            try container.encode(report.files, forKey: .files)
            try container.encode(report.time, forKey: .time)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        guard type == "report" else {
            guard case .alert(let change) = try LiveMessage(from: decoder) else {
                throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                                                       debugDescription: "'\(type)' is not a webhook event")
            }
            self = .alert(change)
            return
        }
        self = .report(ReportReady(
            tenantID: try container.decode(UUID.self, forKey: .tenant), siteID: try container.decode(String.self, forKey: .site),
            period: try container.decode(String.self, forKey: .period), from: try container.decode(Date.self, forKey: .from),
            name: try container.decode(String.self, forKey: .name), files: try container.decode([ReportReady.File].self, forKey: .files),
            time: try container.decode(Date.self, forKey: .time)))
    }
}
