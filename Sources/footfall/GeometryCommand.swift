import ArgumentParser
import CountingCore
import FootfallApp

struct GeometryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geometry",
        abstract: "Set a camera's lines and zones from a file (a new version; running pipelines follow it).",
        subcommands: [Set.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store FILE's lines and zones as the camera's next version.")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The camera's id.")
        var camera: String

        @Argument(help: "Geometry file: {\"lines\":[{\"name\":…,\"a\":[x,y],\"b\":[x,y]}],\"zones\":[{\"name\":…,\"polygon\":[[x,y],…]}]}")
        var file: String

        func run() async throws {
            let configuration = try common.load()
            let geometry = try GeometryFile.load(path: file)
            let camera = camera
            let version = try await FootfallApp.withStore(configuration: configuration, logger: CommonOptions.logger(configuration)) { store in
                try await store.setGeometry(cameraID: camera, geometry: geometry,
                                            audit: FootfallApp.commandLineAudit("geometry.set", "camera:\(camera)"))
            }
            print("camera \(camera): geometry version \(version.version)")
        }
    }
}
