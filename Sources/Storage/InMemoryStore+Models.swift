import Foundation

extension InMemoryStore {
    public func registerModel(_ model: AIModel) throws {
        try model.validate()
        try transaction(adding: true) { (space: inout TenantData) throws(StorageError) in
            let key = ModelKey(name: model.name, version: model.version)
            var stored = model
            if let earlier = space.models[key] { stored.registered = earlier.registered }
            space.models[key] = stored
        }
    }

    public func models() -> [AIModel] {
        read { space in space.models.values.sorted { ($0.name, $0.version) < ($1.name, $1.version) } }
    }

    public func addModelMinutes(_ minutes: [ModelMinute]) throws {
        for minute in minutes { try minute.validate() }
        try transaction(adding: true) { (space: inout TenantData) throws(StorageError) in
            for (i, minute) in minutes.enumerated() where space.cameras[minute.cameraID] == nil {
                throw .invalidInput(field: "minutes[\(i)].cameraID", reason: "no camera with id \"\(minute.cameraID)\"")
            }
            for minute in minutes {
                let model = ModelKey(name: minute.modelName, version: minute.modelVersion)
                if space.models[model] == nil {
                    space.models[model] = AIModel(name: minute.modelName, version: minute.modelVersion, kind: minute.modelKind,
                                                  detector: minute.modelKind.rawValue, registered: minute.minute)
                }
                let key = ModelMinuteKey(cameraID: minute.cameraID, model: model, minute: minute.minute)
                space.modelMinutes[key] = space.modelMinutes[key].map { $0.merged(with: minute) } ?? minute
            }
        }
    }

    public func modelMinutes(cameraID: String?, modelName: String?, from: Date, to: Date, limit: Int) -> [ModelMinute] {
        read { space in
            Array(space.modelMinutes.values
                .filter { minute in
                    minute.minute >= from && minute.minute < to && (cameraID.map { $0 == minute.cameraID } ?? true)
                        && (modelName.map { $0 == minute.modelName } ?? true)
                }
                .sorted { ($0.minute, $0.cameraID, $0.modelName, $0.modelVersion) < ($1.minute, $1.cameraID, $1.modelName, $1.modelVersion) }
                .prefix(max(0, limit)))
        }
    }
}
