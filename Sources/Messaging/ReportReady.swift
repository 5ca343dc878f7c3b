import Foundation

/// A scheduled report was made and stored: what the webhook is told, with a link to each of
/// its files, so that a receiver can fetch them (`GET /api/v1/files/{id}` with a token).
public struct ReportReady: Hashable, Sendable {
    /// One of the report's files.
    public struct File: Hashable, Sendable, Codable {
        public var id: UUID
        /// The name a download is saved under, such as `shop-day-2027-03-28.csv`.
        public var name: String
        public var contentType: String
        public var size: Int
        /// Lower-case hex.
        public var sha256: String
        /// The download's path on the API, such as `/api/v1/files/<id>`.
        public var path: String
        /// The download's address when the server's public address is configured.
        public var url: String?

        public init(id: UUID, name: String, contentType: String, size: Int, sha256: String, path: String, url: String?) {
            self.id = id
            self.name = name
            self.contentType = contentType
            self.size = size
            self.sha256 = sha256
            self.path = path
            self.url = url
        }
    }

    public var tenantID: UUID
    public var siteID: String
    /// `day` or `week`.
    public var period: String
    /// The local start of the day or week covered.
    public var from: Date
    /// The report's name, such as `shop-day-2027-03-28`; with the tenant and site it names the
    /// report, and is the webhook's delivery id.
    public var name: String
    public var files: [File]
    /// When it was made.
    public var time: Date

    public init(tenantID: UUID, siteID: String, period: String, from: Date, name: String, files: [File], time: Date) {
        self.tenantID = tenantID
        self.siteID = siteID
        self.period = period
        self.from = from
        self.name = name
        self.files = files
        self.time = time
    }
}
