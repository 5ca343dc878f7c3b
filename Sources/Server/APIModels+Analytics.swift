import Foundation

extension APIModels {
    struct InOut: Encodable {
        var `in`: Int
        var out: Int
    }

    struct FootfallBucket: Encodable {
        var start: Date
        var `in`: Int
        var out: Int
    }

    /// Another period's totals; `change` is this period's people in against that one's, as a
    /// share (0.12 for 12 % more), absent when that period had nobody.
    struct AnalyticsPeriod: Encodable {
        var from: Date
        var to: Date
        var `in`: Int
        var out: Int
        var change: Double?
    }

    struct PeakHour: Encodable {
        var hour: Int
        var meanIn: Double
    }

    struct FootfallAnswer: Encodable {
        var site: String?
        var camera: String?
        var timeZone: String
        var bucket: String
        var from: Date
        var to: Date
        var buckets: [FootfallBucket]
        var total: InOut
        var previous: AnalyticsPeriod
        var lastYear: AnalyticsPeriod
        var peakHours: [PeakHour]
    }

    struct OccupancyHour: Encodable {
        var end: Date
        var `in`: Int
        var out: Int
        var raw: Double
        var corrected: Double
    }

    struct OccupancyAnswer: Encodable {
        var site: String
        var timeZone: String
        var date: String
        var hours: [OccupancyHour]
        var `in`: Int
        var out: Int
        var imbalance: Int
        var imbalanceShare: Double
    }

    struct ConversionBucket: Encodable {
        var start: Date
        var entrance: Int
        var checkout: Int
        var ratio: Double?
    }

    struct ConversionAnswer: Encodable {
        var timeZone: String
        var bucket: String
        var from: Date
        var to: Date
        var buckets: [ConversionBucket]
        var entrance: Int
        var checkout: Int
        var ratio: Double?
    }

    /// Visits that ended in a bucket and how long they lasted, in seconds; the figures are
    /// absent when no visit ended in it.
    struct DwellBucket: Encodable {
        var start: Date
        var visits: Int
        var meanSeconds: Double?
        var medianSeconds: Double?
        var p90Seconds: Double?
    }

    struct DwellAnswer: Encodable {
        var camera: String
        var zone: String
        var timeZone: String
        var bucket: String
        var from: Date
        var to: Date
        var buckets: [DwellBucket]
        var total: DwellBucket
    }
}
