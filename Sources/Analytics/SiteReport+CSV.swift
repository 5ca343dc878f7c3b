import Foundation

extension SiteReport {
    /// One row per bucket (local start, UTC start, in, out), then a total row; for spreadsheets.
    public var csv: String {
        let utc = ISO8601DateFormatter()
        var rows = ["site,period,bucket_start_local,bucket_start_utc,in,out"]
        let site = CSVField.quoted(self.site.id)
        for bucket in footfall.series.buckets {
            rows.append("\(site),\(period.rawValue),\(localTime(bucket.start)),\(utc.string(from: bucket.start)),\(bucket.countIn),\(bucket.countOut)")
        }
        rows.append("\(site),\(period.rawValue),total,,\(footfall.series.countIn),\(footfall.series.countOut)")
        return rows.joined(separator: "\r\n") + "\r\n"
    }
}
