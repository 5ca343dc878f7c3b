import Foundation
import Storage

extension APIModels {
    /// Figures of a model over a span of time, summed over the cameras the caller may see.
    struct ModelFigures: Encodable {
        var frames: Int
        var regions: Int
        var detections: Int
        var errors: Int
        var meanMs: Double
        var p99Ms: Double

        /// Sums `minutes`: counts add, the mean is weighted by frames, the p99 is the largest
        /// minute's (an upper bound).
        init(_ minutes: [ModelMinute]) {
            frames = minutes.reduce(0) { $0 + $1.frames }
            regions = minutes.reduce(0) { $0 + $1.regions }
            detections = minutes.reduce(0) { $0 + $1.detections }
            errors = minutes.reduce(0) { $0 + $1.errors }
            let total = minutes.reduce(0.0) { $0 + $1.meanMilliseconds * Double($1.frames) }
            meanMs = frames == 0 ? 0 : ((total / Double(frames)) * 10).rounded() / 10
            p99Ms = ((minutes.map(\.p99Milliseconds).max() ?? 0) * 10).rounded() / 10
        }
    }

    /// `GET /api/v1/models`: one registered model, the cameras that use it, and its last hour.
    struct ModelItem: Encodable {
        var name: String
        var version: String
        var kind: String
        var detector: String
        var sha256: String?
        var inputWidth: Int?
        var inputHeight: Int?
        var classes: [String]
        var scoreThreshold: Double?
        var licence: String?
        var source: String?
        var registered: Date
        var cameras: [String]
        var lastHour: ModelFigures

        init(_ model: AIModel, cameras: [String], lastHour: [ModelMinute]) {
            name = model.name
            version = model.version
            kind = model.kind.rawValue
            detector = model.detector
            sha256 = model.sha256
            inputWidth = model.inputWidth
            inputHeight = model.inputHeight
            classes = model.classes
            scoreThreshold = model.scoreThreshold
            licence = model.licence
            source = model.source
            registered = model.registered
            self.cameras = cameras
            self.lastHour = ModelFigures(lastHour)
        }
    }

    struct ModelList: Encodable {
        var models: [ModelItem]
    }

    /// `GET /api/v1/models/logs`: what a model did for a camera in one minute.
    struct ModelMinuteItem: Encodable {
        var camera: String
        var model: String
        var version: String
        var minute: Date
        var frames: Int
        var regions: Int
        var detections: Int
        var errors: Int
        var meanMs: Double
        var p99Ms: Double
        var lastError: String?

        init(_ minute: ModelMinute) {
            camera = minute.cameraID
            model = minute.modelName
            version = minute.modelVersion
            self.minute = minute.minute
            frames = minute.frames
            regions = minute.regions
            detections = minute.detections
            errors = minute.errors
            meanMs = (minute.meanMilliseconds * 10).rounded() / 10
            p99Ms = (minute.p99Milliseconds * 10).rounded() / 10
            lastError = minute.lastError
        }
    }

    struct ModelMinuteList: Encodable {
        var minutes: [ModelMinuteItem]
    }
}
