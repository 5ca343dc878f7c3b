import Foundation
import Logging
import Storage
import Vision

/// The detection models a process can run, as the stores list them (`ai_models`): the
/// weight-free detectors always, the trained model once installed, and ONNX files in the
/// models directory.
enum ModelCatalog {
    /// The models this process can run with `dataDirectory`, in name order.
    static func installed(dataDirectory: String, now: Date) -> [AIModel] {
        var models = [model(for: .motion(.init()), now: now), model(for: .motion(.init(background: .gaussian)), now: now),
                      model(for: .hog(upscale: 1.5), now: now)]
        let ssd = DefaultDetector.model.directory(dataDirectory: dataDirectory)
        if SSDModel.isInstalled(directory: ssd) {
            models.append(model(for: .ssd(SSDDetectorConfiguration(modelDirectory: ssd)), now: now))
        }
        let directory = dataDirectory + "/models"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files.sorted() where file.hasSuffix(".onnx") {
            models.append(model(for: .onnx(modelPath: directory + "/" + file, inputSize: 640, family: .v8, confidenceThreshold: 0.25),
                                now: now))
        }
        return models.compactMap { $0 }.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }

    /// The model `specification` runs; nil when its files cannot be read (the detector then
    /// fails at load with the reason).
    static func model(for specification: DetectorSpecification, now: Date) -> AIModel? {
        switch specification {
        case .motion(let configuration):
            let name = configuration.detectorName
            return AIModel(name: name, version: "builtin", kind: .motion, detector: name, registered: now)
        case .hog:
            return AIModel(name: "hog", version: "opencv", kind: .hog, detector: "hog", registered: now)
        case .ssd(let configuration):
            guard let installed = try? SSDModel.load(directory: configuration.modelDirectory, verifyChecksum: false) else { return nil }
            let manifest = installed.manifest
            return AIModel(name: manifest.name, version: manifest.version, kind: .ssd, detector: "ssd", sha256: manifest.sha256,
                           inputWidth: manifest.inputWidth, inputHeight: manifest.inputHeight, classes: manifest.classes,
                           scoreThreshold: configuration.scoreThreshold, licence: manifest.licence, source: manifest.source,
                           registered: now)
        case .onnx(let path, let size, _, let threshold):
            guard let digest = try? SSDModel.sha256(ofFile: path) else { return nil }
            let name = URL(fileURLWithPath: path).lastPathComponent
            // The file's digest names the version: a replaced file is another model.
            return AIModel(name: String(name.prefix(100)), version: String(digest.prefix(12)), kind: .onnx,
                           detector: "onnx:" + name, sha256: digest, inputWidth: size, inputHeight: size,
                           scoreThreshold: threshold, source: "file", registered: now)
        case .motionGated(let inner):
            return model(for: inner, now: now)
        }
    }

    /// Lists every installed model in every tenant, so that `GET /api/v1/models` shows them.
    static func register(dataDirectory: String, in store: any FootfallStore, logger: Logger) async {
        let models = installed(dataDirectory: dataDirectory, now: Date())
        do {
            for tenant in try await store.tenants() {
                let scoped = store.scoped(to: tenant.id)
                for model in models { try await scoped.registerModel(model) }
            }
            logger.info("models.registered", metadata: ["models": "\(models.map { "\($0.name) \($0.version)" }.joined(separator: ", "))"])
        } catch {
            // Cameras still run; their figures register what they use.
            logger.warning("models.register_failed", metadata: ["error": "\(error)"])
        }
    }
}
