import Foundation

extension SiteReport {
    /// A self-contained page (no scripts, no outside resources): the totals and comparisons,
    /// a bar chart of people in per bucket, the buckets and the lines as tables.
    public var html: String {
        let title = "\(Self.escape(site.name)) — \(period == .day ? "day" : "week") of \(localDate(from))"
        var page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(title)</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}
            td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}th:first-child,td:first-child{text-align:left}
            .bar{fill:#2f6fb0}.axis{font-size:10px;fill:#555}</style></head><body>
            <h1>\(title)</h1>
            <p>Time zone \(Self.escape(site.timeZone)); from \(localTime(from)) to \(localTime(to)).</p>
            <table><tr><th>Figure</th><th>Value</th></tr>
            <tr><td>People in</td><td>\(footfall.series.countIn)</td></tr>
            <tr><td>People out</td><td>\(footfall.series.countOut)</td></tr>
            <tr><td>Against the previous \(period.rawValue)</td><td>\(Self.change(footfall.change(against: footfall.previous)))</td></tr>
            <tr><td>Against a year before</td><td>\(Self.change(footfall.change(against: footfall.lastYear)))</td></tr>
            <tr><td>Peak hours</td><td>\(footfall.peakHours.map { String(format: "%02d:00", $0.hour) }.joined(separator: ", "))</td></tr>

            """
        if let occupancy {
            page += """
                <tr><td>In − out at the end of the day (counting quality)</td><td>\(occupancy.imbalance) \
                (\(String(format: "%.1f", occupancy.imbalanceShare * 100)) %)</td></tr>

                """
        }
        page += "</table>\n" + chart + "<table><tr><th>\(period == .day ? "Hour" : "Day")</th><th>In</th><th>Out</th></tr>\n"
        for bucket in footfall.series.buckets {
            page += "<tr><td>\(localTime(bucket.start))</td><td>\(bucket.countIn)</td><td>\(bucket.countOut)</td></tr>\n"
        }
        page += "<tr><th>Total</th><th>\(footfall.series.countIn)</th><th>\(footfall.series.countOut)</th></tr></table>\n"
        page += "<table><tr><th>Camera / line</th><th>In</th><th>Out</th></tr>\n"
        for line in lines {
            page += "<tr><td>\(Self.escape(line.cameraID)) / \(Self.escape(line.line))</td><td>\(line.countIn)</td><td>\(line.countOut)</td></tr>\n"
        }
        return page + "</table>\n</body></html>\n"
    }

    /// People in per bucket as SVG bars, labelled every few buckets.
    var chart: String {
        let buckets = footfall.series.buckets
        let width = 720.0, height = 200.0, base = 180.0
        let peak = Double(max(1, buckets.map(\.countIn).max() ?? 1))
        let step = width / Double(max(1, buckets.count))
        var svg = "<svg role=\"img\" aria-label=\"People in per \(period.bucket.rawValue)\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">\n"
        let every = max(1, buckets.count / 8)
        for (index, bucket) in buckets.enumerated() {
            let barHeight = (base - 10) * Double(bucket.countIn) / peak
            svg += String(format: "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
                          Double(index) * step + 1, base - barHeight, max(1, step - 2), barHeight)
                + "<title>\(localTime(bucket.start)): \(bucket.countIn) in</title></rect>\n"
            if index % every == 0 {
                let parts = calendar.dateComponents([.hour, .day], from: bucket.start)
                let label = period == .day ? String(format: "%02d", parts.hour ?? 0) : String(parts.day ?? 0)
                svg += String(format: "<text class=\"axis\" x=\"%.1f\" y=\"195\">", Double(index) * step + 1) + label + "</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    static func change(_ share: Double?) -> String {
        guard let share else { return "—" }
        return String(format: "%+.1f %%", share * 100)
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
