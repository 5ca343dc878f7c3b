import ArgumentParser
import CountingCore
import Foundation
import FootfallApp
import Storage

struct CameraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camera",
        abstract: "Add, list, edit and remove cameras of the default tenant (for scripted installs).",
        discussion: """
            Changes are audited as `system`. A running `serve` or `worker` picks them up within a few \
            seconds, without a restart.
            """,
        subcommands: [Add.self, List.self, Edit.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a camera.")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The camera's id: letters, digits, '-' or '_'.")
        var id: String

        @Option(help: "Its name, as operators see it.")
        var name: String

        @Option(help: "Where its video comes from: rtsp://…, http://…, a file, or `external` for a camera that pushes detections.")
        var source: String

        @Option(help: "motion, motion-fast, hog, ssd or onnx:MODEL.")
        var detector: String = Camera.defaultDetector

        @Option(help: "Frames analysed per second at most.")
        var analysisRate: Double?

        @Option(help: "The site it belongs to.")
        var site: String?

        @Option(help: "A geometry file with its lines and zones.")
        var lines: String?

        @Flag(help: "Add it disabled (kept, not counted).")
        var disabled = false

        func run() async throws {
            let configuration = try common.load()
            let geometry = try lines.map { try GeometryFile.load(path: $0) } ?? Geometry()
            let camera = Camera(id: id, name: name, source: source, geometry: geometry, siteID: site, detector: detector,
                                analysisRate: analysisRate, enabled: !disabled)
            try await FootfallApp.withStore(configuration: configuration, logger: CommonOptions.logger(configuration)) { store in
                try await store.createCamera(camera, audit: FootfallApp.commandLineAudit("camera.create", "camera:\(camera.id)"))
            }
            print("added camera \(camera.id)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the cameras (sources are not shown).")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.load()
            let cameras = try await FootfallApp.withStore(configuration: configuration, logger: CommonOptions.logger(configuration)) {
                try await $0.cameras()
            }
            for camera in cameras {
                let kind = switch camera.sourceKind {
                case .file: "file"
                case .stream: "stream"
                case .external: "external"
                }
                print([camera.id, camera.name, kind, camera.detector, camera.enabled ? "enabled" : "disabled",
                       "geometry v\(camera.geometryVersion): \(camera.geometry.lines.count) lines, \(camera.geometry.zones.count) zones"]
                    .joined(separator: "\t"))
            }
            if cameras.isEmpty { print("no cameras yet: footfall camera add ID --name NAME --source URL") }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a camera's settings (its lines: footfall geometry set).")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The camera's id.")
        var id: String
        @Option(help: "Its new name.")
        var name: String?
        @Option(help: "Its new source (rtsp://…, http://…, a file, or `external`).")
        var source: String?
        @Option(help: "motion, motion-fast, hog, ssd or onnx:MODEL.")
        var detector: String?
        @Option(help: "Frames analysed per second at most.")
        var analysisRate: Double?
        @Option(help: "The site it moves to.")
        var site: String?
        @Flag(inversion: .prefixedEnableDisable, help: "Count the camera or keep it without counting.")
        var enable: Bool?

        func run() async throws {
            let configuration = try common.load()
            let (id, name, source, detector, analysisRate, site, enable) = (id, name, source, detector, analysisRate, site, enable)
            try await FootfallApp.withStore(configuration: configuration, logger: CommonOptions.logger(configuration)) { store in
                guard var camera = try await store.camera(id: id) else { throw ValidationError("no camera with id \(id)") }
                if let name { camera.name = name }
                if let source { camera.source = source }
                if let detector { camera.detector = detector }
                if let analysisRate { camera.analysisRate = analysisRate }
                if let site { camera.siteID = site.isEmpty ? nil : site }
                if let enable { camera.enabled = enable }
                try await store.updateCamera(camera, audit: FootfallApp.commandLineAudit("camera.update", "camera:\(id)"))
            }
            print("changed camera \(id)")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a camera (its counts stay for history).")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The camera's id.")
        var id: String

        func run() async throws {
            let configuration = try common.load()
            let id = id
            try await FootfallApp.withStore(configuration: configuration, logger: CommonOptions.logger(configuration)) { store in
                try await store.deleteCamera(id: id, audit: FootfallApp.commandLineAudit("camera.delete", "camera:\(id)"))
            }
            print("removed camera \(id)")
        }
    }
}
