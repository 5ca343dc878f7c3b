import CountingCore
import Foundation
import Storage

extension APIModels {
    /// What the API shows of a camera's source.
    struct SourceInfo: Codable, Hashable {
        var kind: String
        var host: String?
    }

    /// A camera as the API shows it: everything but the source's secrets.
    struct CameraDetail: Encodable {
        var id: String
        var name: String
        var status: CameraStatus
        var source: SourceInfo
        var siteID: String?
        var detector: String
        var analysisRate: Double?
        var enabled: Bool
        var geometryVersion: Int
        var lines: [CountingLine]
        var zones: [Zone]

        init(_ camera: Camera, status: CameraStatus) {
            id = camera.id
            name = camera.name
            self.status = camera.enabled ? status : .offline
            source = CameraSourcePolicy.describe(camera.source)
            siteID = camera.siteID
            detector = camera.detector
            analysisRate = camera.analysisRate
            enabled = camera.enabled
            geometryVersion = camera.geometryVersion
            lines = camera.geometry.lines
            zones = camera.geometry.zones
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(status, forKey: .status)
            try container.encode(source, forKey: .source)
            // Always present, null when unset, so clients see every field.
            try container.encode(siteID, forKey: .siteID)
            try container.encode(detector, forKey: .detector)
            try container.encode(analysisRate, forKey: .analysisRate)
            try container.encode(enabled, forKey: .enabled)
            try container.encode(geometryVersion, forKey: .geometryVersion)
            try container.encode(lines, forKey: .lines)
            try container.encode(zones, forKey: .zones)
        }

        enum CodingKeys: String, CodingKey {
            case id, name, status, source, siteID, detector, analysisRate, enabled, geometryVersion, lines, zones
        }
    }

    /// A camera as the audit trail records it: no source secrets.
    struct CameraAudit: Encodable {
        var name: String
        var source: SourceInfo
        var siteID: String?
        var detector: String
        var analysisRate: Double?
        var enabled: Bool

        init(_ camera: Camera) {
            name = camera.name
            source = CameraSourcePolicy.describe(camera.source)
            siteID = camera.siteID
            detector = camera.detector
            analysisRate = camera.analysisRate
            enabled = camera.enabled
        }
    }

    /// `POST /api/v1/cameras`.
    struct CameraCreate: Decodable {
        var id: String
        var name: String
        var source: String
        var siteID: String?
        var detector: String?
        var analysisRate: Double?
        var enabled: Bool?
        var lines: [CountingLine]?
        var zones: [Zone]?

        static let shape = BodyShape.object([
            "id": .value, "name": .value, "source": .value, "siteID": .value, "detector": .value,
            "analysisRate": .value, "enabled": .value, "lines": GeometryBody.lineShape, "zones": GeometryBody.zoneShape,
        ])
    }

    /// `PATCH /api/v1/cameras/{id}`: only the fields given change; null clears `siteID` and `analysisRate`.
    struct CameraPatch: Decodable {
        var name: String?
        var source: String?
        var siteID: String?
        var detector: String?
        var analysisRate: Double?
        var enabled: Bool?

        static let shape = BodyShape.object([
            "name": .value, "source": .value, "siteID": .value, "detector": .value, "analysisRate": .value, "enabled": .value,
        ])
    }

    /// `PUT /api/v1/cameras/{id}/geometry`.
    struct GeometryBody: Decodable {
        var lines: [CountingLine]?
        var zones: [Zone]?

        static let lineShape = BodyShape.array(.object(["name": .value, "a": .array(.value), "b": .array(.value)]))
        static let zoneShape = BodyShape.array(.object([
            "name": .value, "polygon": .array(.array(.value)),
            "entrances": .array(.object(["line": .value, "entering": .value])),
        ]))
        static let shape = BodyShape.object(["lines": lineShape, "zones": zoneShape])

        var geometry: Geometry { Geometry(lines: lines ?? [], zones: zones ?? []) }
    }

    /// A geometry version as the API shows it.
    struct GeometryDetail: Encodable {
        var camera: String
        var version: Int
        var created: Date?
        var lines: [CountingLine]
        var zones: [Zone]

        init(_ version: GeometryVersion) {
            camera = version.cameraID
            self.version = version.version
            created = version.created
            lines = version.geometry.lines
            zones = version.geometry.zones
        }

        init(_ camera: Camera) {
            self.camera = camera.id
            version = camera.geometryVersion
            created = nil
            lines = camera.geometry.lines
            zones = camera.geometry.zones
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(camera, forKey: .camera)
            try container.encode(version, forKey: .version)
            try container.encode(created, forKey: .created)
            try container.encode(lines, forKey: .lines)
            try container.encode(zones, forKey: .zones)
        }

        enum CodingKeys: String, CodingKey {
            case camera, version, created, lines, zones
        }
    }

    struct GeometryHistory: Encodable {
        var camera: String
        var versions: [GeometryDetail]
    }

    struct CameraDetailList: Encodable {
        var cameras: [CameraDetail]
    }
}
