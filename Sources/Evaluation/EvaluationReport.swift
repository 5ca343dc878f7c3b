import CountingCore

/// What `footfall eval` prints: tracking scores (with ground truth), counts per line and zone.
public struct EvaluationReport: Sendable {
    public struct LineResult: Sendable {
        public var name: String
        public var countIn: Int
        public var countOut: Int
        public var groundTruthIn: Int?
        public var groundTruthOut: Int?
    }

    public struct ZoneResult: Sendable {
        public var name: String
        public var mean: Double
        public var groundTruthMean: Double?
    }

    public var frames: Int
    /// Tracking and counting frames per second, file parsing excluded (nil when scoring a
    /// tracks file).
    public var framesPerSecond: Double?
    public var scores: TrackingScores?
    public var lines: [LineResult]
    public var zones: [ZoneResult]

    /// Σ |count − true count| over every line and direction, divided by Σ true counts.
    public var countError: Double? {
        guard let tally = countTally else { return nil }
        return tally.truth > 0 ? Double(tally.mistakes) / Double(tally.truth) : (tally.mistakes == 0 ? 0 : nil)
    }

    /// Σ |count − true count| over every line and direction, and Σ true counts; nil without
    /// lines or ground truth.
    public var countTally: (mistakes: Int, truth: Int)? {
        guard !lines.isEmpty else { return nil }
        var error = 0, truth = 0
        for line in lines {
            guard let gtIn = line.groundTruthIn, let gtOut = line.groundTruthOut else { return nil }
            error += abs(line.countIn - gtIn) + abs(line.countOut - gtOut)
            truth += gtIn + gtOut
        }
        return (error, truth)
    }

    /// One line of JSON: `{"frames","fps","mota","motp","idf1","idsw","fp","fn","lines","zones"}`;
    /// score and `gt_` fields only with ground truth.
    public func jsonLine() -> String {
        func number(_ value: Double, _ places: Double) -> String {
            let rounded = (value * places).rounded() / places
            return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) + ".0" : String(rounded)
        }
        func quoted(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }
        var fields = ["\"frames\":\(frames)"]
        if let framesPerSecond { fields.append("\"fps\":\(number(framesPerSecond, 1))") }
        if let scores {
            fields += [
                "\"mota\":\(number(scores.mota, 10_000))", "\"motp\":\(number(scores.motp, 10_000))",
                "\"idf1\":\(number(scores.idf1, 10_000))", "\"idsw\":\(scores.identitySwitches)",
                "\"fp\":\(scores.falsePositives)", "\"fn\":\(scores.misses)",
            ]
        }
        let lineItems = lines.map { line in
            var item = "{\"name\":\(quoted(line.name)),\"in\":\(line.countIn),\"out\":\(line.countOut)"
            if let gtIn = line.groundTruthIn, let gtOut = line.groundTruthOut {
                item += ",\"gt_in\":\(gtIn),\"gt_out\":\(gtOut)"
            }
            return item + "}"
        }
        let zoneItems = zones.map { zone in
            var item = "{\"name\":\(quoted(zone.name)),\"mean\":\(number(zone.mean, 100))"
            if let gt = zone.groundTruthMean { item += ",\"gt_mean\":\(number(gt, 100))" }
            return item + "}"
        }
        fields.append("\"lines\":[\(lineItems.joined(separator: ","))]")
        fields.append("\"zones\":[\(zoneItems.joined(separator: ","))]")
        return "{" + fields.joined(separator: ",") + "}"
    }
}
