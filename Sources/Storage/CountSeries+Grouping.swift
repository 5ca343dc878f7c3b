import Foundation

extension CountSeries {
    /// Groups per-minute results into buckets. Backends that cannot group in their query
    /// language use this; it is also the reference the conformance tests compare against.
    public static func grouping(_ results: some Sequence<CountingResult>, by bucket: BucketSize) -> CountSeries {
        var lineSums: [String: [Int64: (Int, Int)]] = [:]
        var zoneSums: [String: [Int64: CountingResult]] = [:]
        for result in results {
            let seconds = Int64(result.minute.timeIntervalSince1970)
            let start = seconds - ((seconds % bucket.seconds) + bucket.seconds) % bucket.seconds
            switch result.kind {
            case .line:
                let sum = lineSums[result.name, default: [:]][start, default: (0, 0)]
                lineSums[result.name, default: [:]][start] = (sum.0 + result.countIn, sum.1 + result.countOut)
            case .zone:
                guard result.occupancySamples > 0 else { continue }
                var series = zoneSums[result.name, default: [:]]
                series[start] = series[start].map { $0.merged(with: result) } ?? result
                zoneSums[result.name] = series
            }
        }
        var series = CountSeries()
        for (name, buckets) in lineSums {
            series.lines[name] = buckets.keys.sorted().map { start in
                let sum = buckets[start]!
                return LineBucket(start: Date(timeIntervalSince1970: TimeInterval(start)), countIn: sum.0, countOut: sum.1)
            }
        }
        for (name, buckets) in zoneSums {
            series.zones[name] = buckets.keys.sorted().map { start in
                let sum = buckets[start]!
                return ZoneBucket(start: Date(timeIntervalSince1970: TimeInterval(start)), minimum: sum.occupancyMin,
                                  maximum: sum.occupancyMax, mean: sum.occupancySum / Double(sum.occupancySamples))
            }
        }
        return series
    }
}
