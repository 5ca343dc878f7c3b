import CountingCore
import Foundation
import Messaging
import Storage

/// The JSON shapes of the REST and WebSocket API (see `docs/api.md`).
enum APIModels {
    struct CameraList: Encodable {
        var cameras: [CameraItem]
    }

    struct CameraItem: Encodable {
        var id: String
        var name: String
        var status: CameraStatus
        var lines: [CountingLine]
        var zones: [Zone]
    }

    struct LiveList: Encodable {
        var cameras: [LiveCamera]
    }

    struct LiveCamera: Encodable {
        struct Line: Encodable {
            var name: String
            var `in`: Int
            var out: Int
        }

        struct ZoneNow: Encodable {
            var name: String
            /// From presence: people seen inside.
            var occupancy: Int
            /// From the counts of the zone's entrances, for a zone that has some.
            var counted: Int?
            /// `counted − occupancy`, for a zone with entrances.
            var drift: Int?
        }

        /// The size of the camera's pictures, once it has sent one: a snapshot can be asked for.
        struct FrameSize: Encodable {
            var width: Int
            var height: Int
        }

        var id: String
        var status: CameraStatus
        var fps: Double
        var updated: Date?
        var lines: [Line]
        var zones: [ZoneNow]
        var frame: FrameSize?
        /// Share of frames not analysed (0…1) over the last few seconds, once known.
        var dropped: Double?
        /// Detection was behind and the camera ran at its minimum analysis rate, once known.
        var reducedRate: Bool?
        /// Seconds a crossing may take to be counted, once known.
        var countingDelay: Double?

        init(_ state: CameraLiveState) {
            id = state.cameraID
            status = state.status
            fps = (state.framesPerSecond * 10).rounded() / 10
            updated = state.updated
            lines = state.lines.map { Line(name: $0.name, in: $0.countIn, out: $0.countOut) }
            zones = state.zones.map { zone in
                ZoneNow(name: zone.name, occupancy: zone.occupancy, counted: zone.countedOccupancy,
                        drift: zone.countedOccupancy.map { $0 - zone.occupancy })
            }
            frame = state.frameWidth.flatMap { width in state.frameHeight.map { FrameSize(width: width, height: $0) } }
            dropped = state.droppedFraction.map { ($0 * 1_000).rounded() / 1_000 }
            reducedRate = state.reducedRate
            countingDelay = state.countingDelaySeconds.map { ($0 * 100).rounded() / 100 }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(status, forKey: .status)
            try container.encode(fps, forKey: .fps)
            // `updated` is always present, null before the first frame.
            try container.encode(updated, forKey: .updated)
            try container.encode(lines, forKey: .lines)
            try container.encode(zones, forKey: .zones)
            try container.encodeIfPresent(frame, forKey: .frame)
            try container.encodeIfPresent(dropped, forKey: .dropped)
            try container.encodeIfPresent(reducedRate, forKey: .reducedRate)
            try container.encodeIfPresent(countingDelay, forKey: .countingDelay)
        }

        enum CodingKeys: String, CodingKey {
            case id, status, fps, updated, lines, zones, frame, dropped, reducedRate, countingDelay
        }
    }

    struct Counts: Encodable {
        struct LineSeries: Encodable {
            struct Bucket: Encodable {
                var start: Date
                var `in`: Int
                var out: Int
            }

            var name: String
            var buckets: [Bucket]
        }

        struct ZoneSeries: Encodable {
            struct Bucket: Encodable {
                var start: Date
                var min: Int
                var max: Int
                var mean: Double
            }

            var name: String
            var buckets: [Bucket]
        }

        var camera: String
        var bucket: String
        var from: Date
        var to: Date
        var lines: [LineSeries]
        var zones: [ZoneSeries]
    }

    struct CameraEvents: Encodable {
        struct Event: Encodable {
            var time: Date
            var status: CameraStatus
            var reason: String?
        }

        var camera: String
        var events: [Event]
    }
}
