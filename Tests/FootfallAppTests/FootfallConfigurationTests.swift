import Foundation
import FootfallApp
import Logging
import Testing
import Vision

struct FootfallConfigurationTests {
    @Test func defaults() throws {
        let configuration = try FootfallConfiguration.load(commandLine: [:], environment: [:])
        #expect(configuration.dataDirectory == "./footfall-data")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.demo == false)
        #expect(configuration.demoVideo == "./footfall-data/samples/vtest.avi")
    }

    @Test func commandLineBeatsEnvironmentBeatsFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-\(UUID().uuidString).json")
        try Data(#"{"port": 7000, "host": "0.0.0.0", "data-dir": "/srv/file", "demo": true}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let configuration = try FootfallConfiguration.load(
            commandLine: ["port": "9000", "config": file.path],
            environment: ["FOOTFALL_PORT": "8000", "FOOTFALL_DATA_DIR": "/srv/env"])
        #expect(configuration.port == 9000)
        #expect(configuration.dataDirectory == "/srv/env")
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.demo == true)
        #expect(configuration.demoVideo == "/srv/env/samples/vtest.avi")
    }

    @Test func badValuesNameTheKeyAndWhereItCameFrom() throws {
        #expect(throws: ConfigurationError.invalidValue(key: "port", source: "FOOTFALL_PORT",
                                                        reason: "\"eighty\" is not a whole number from 0 to 65535")) {
            try FootfallConfiguration.load(commandLine: [:], environment: ["FOOTFALL_PORT": "eighty"])
        }
        #expect(throws: ConfigurationError.invalidValue(key: "demo", source: "--demo", reason: "\"maybe\" is not true or false")) {
            try FootfallConfiguration.load(commandLine: ["demo": "maybe"], environment: [:])
        }
        #expect(throws: ConfigurationError.self) {
            try FootfallConfiguration.load(commandLine: ["config": "/nonexistent/footfall.json"], environment: [:])
        }
        #expect(throws: ConfigurationError.invalidValue(key: "decoder", source: "FOOTFALL_DECODER", reason: "use one of in-process, in-process-fast, ffmpeg")) {
            try FootfallConfiguration.load(commandLine: [:], environment: ["FOOTFALL_DECODER": "gpu"])
        }
        #expect(throws: ConfigurationError.invalidValue(key: "worker-capacity", source: "--worker-capacity",
                                                        reason: "\"lots\" is not a number from 0.1 to 1000000.0")) {
            try FootfallConfiguration.load(commandLine: ["worker-capacity": "lots"], environment: [:])
        }
    }

    @Test func decoderAndWorkerCapacityHaveDefaultsAndCanBeSet() throws {
        let defaults = try FootfallConfiguration.load(commandLine: [:], environment: [:])
        #expect(defaults.decoder == .inProcess)
        #expect(defaults.workerCapacity == 200 * Double(ProcessInfo.processInfo.activeProcessorCount))
        let set = try FootfallConfiguration.load(commandLine: ["worker-capacity": "350"], environment: ["FOOTFALL_DECODER": "ffmpeg"])
        #expect(set.decoder == .ffmpeg && set.workerCapacity == 350)
        let fast = try FootfallConfiguration.load(commandLine: ["decoder": "in-process-fast"], environment: [:])
        #expect(fast.decoder == .inProcessFast)
    }
}

struct StorageConfigurationTests {
    @Test func publicURLsAreAListOfWebAddresses() throws {
        let configuration = try FootfallConfiguration.load(
            commandLine: [:], environment: ["FOOTFALL_PUBLIC_URL": "https://counts.example.com, http://10.0.0.5:8080"])
        #expect(configuration.publicURLs == ["https://counts.example.com", "http://10.0.0.5:8080"])
        #expect(throws: ConfigurationError.invalidValue(key: "public-url", source: "--public-url",
                                                        reason: "\"counts.example.com\" is not an http or https address")) {
            try FootfallConfiguration.load(commandLine: ["public-url": "counts.example.com"], environment: [:])
        }
    }

    @Test func anAlertWebhookNeedsAnAddressAndASigningSecret() throws {
        #expect(throws: ConfigurationError.invalidValue(
            key: "alert-webhook-secret", source: "default",
            reason: "the webhook needs a signing secret of at least 16 characters: set FOOTFALL_ALERT_WEBHOOK_SECRET")) {
            try FootfallConfiguration.load(commandLine: [:], environment: ["FOOTFALL_ALERT_WEBHOOK_URL": "https://hooks.example.com/f"])
        }
        #expect(throws: ConfigurationError.invalidValue(
            key: "alert-webhook-url", source: "FOOTFALL_ALERT_WEBHOOK_URL", reason: "not an http or https address")) {
            try FootfallConfiguration.load(commandLine: [:], environment: [
                "FOOTFALL_ALERT_WEBHOOK_URL": "ftp://hooks.example.com", "FOOTFALL_ALERT_WEBHOOK_SECRET": "0123456789abcdef"])
        }
        let configuration = try FootfallConfiguration.load(commandLine: [:], environment: [
            "FOOTFALL_ALERT_WEBHOOK_URL": "https://hooks.example.com/f", "FOOTFALL_ALERT_WEBHOOK_SECRET": "0123456789abcdef"])
        #expect(configuration.alertWebhookURL == "https://hooks.example.com/f")
        #expect(configuration.alertWebhookSecret == Array("0123456789abcdef".utf8))
        #expect(try FootfallConfiguration.load(commandLine: [:], environment: [:]).alertWebhookURL == nil)
    }

    @Test func anS3BucketNeedsAnAddressAndAKeyAndItsSecretIsNotShown() throws {
        #expect(throws: ConfigurationError.invalidValue(
            key: "s3-access-key-id", source: "default", reason: "an access key id and secret are required with s3-url")) {
            try FootfallConfiguration.load(commandLine: [:], environment: ["FOOTFALL_S3_URL": "http://127.0.0.1:9000/footfall"])
        }
        #expect(throws: ConfigurationError.invalidValue(
            key: "s3-url", source: "--s3-url", reason: "expected http(s)://host[:port]/bucket[/prefix]")) {
            try FootfallConfiguration.load(commandLine: ["s3-url": "s3://footfall"], environment: [:])
        }
        let configuration = try FootfallConfiguration.load(commandLine: ["s3-region": "eu-west-3"], environment: [
            "FOOTFALL_S3_URL": "https://minio.example:9000/footfall/site-a", "FOOTFALL_S3_ACCESS_KEY_ID": "footfall",
            "FOOTFALL_S3_SECRET_ACCESS_KEY": "the-secret-of-the-bucket"])
        let s3 = try #require(configuration.s3)
        #expect(s3.host == "minio.example:9000" && s3.bucket == "footfall" && s3.prefix == "site-a/" && s3.region == "eu-west-3")
        #expect(s3.credentials.secretAccessKey == "the-secret-of-the-bucket" && !s3.virtualHost)
        #expect(!"\(configuration)".contains("the-secret-of-the-bucket"))
        #expect(try FootfallConfiguration.load(commandLine: [:], environment: [:]).s3 == nil)
    }

    @Test func previousSecretKeysAreAListOf32ByteKeys() throws {
        let one = Data(repeating: 1, count: 32).base64EncodedString(), two = Data(repeating: 2, count: 32).base64EncodedString()
        let configuration = try FootfallConfiguration.load(commandLine: [:], environment: ["FOOTFALL_PREVIOUS_SECRET_KEYS": "\(one), \(two)"])
        #expect(configuration.previousSecretKeys == [[UInt8](repeating: 1, count: 32), [UInt8](repeating: 2, count: 32)])
        #expect(throws: ConfigurationError.invalidValue(key: "previous-secret-keys", source: "FOOTFALL_PREVIOUS_SECRET_KEYS",
                                                        reason: "each must be 32 bytes in base64, separated by commas")) {
            try FootfallConfiguration.load(commandLine: [:], environment: ["FOOTFALL_PREVIOUS_SECRET_KEYS": "\(one),c2hvcnQ="])
        }
    }

    @Test func postgresNeedsASecretKeyAndTheKeyMustBe32Bytes() throws {
        #expect(throws: ConfigurationError.invalidValue(
            key: "secret-key", source: "default",
            reason: "PostgreSQL needs a key to seal camera stream URLs: set FOOTFALL_SECRET_KEY")) {
            try FootfallConfiguration.load(commandLine: [:], environment: ["FOOTFALL_DATABASE_URL": "postgres://u@h/db"])
        }
        #expect(throws: ConfigurationError.invalidValue(
            key: "secret-key", source: "FOOTFALL_SECRET_KEY", reason: "must be 32 bytes in base64 (try: openssl rand -base64 32)")) {
            try FootfallConfiguration.load(commandLine: [:], environment: ["FOOTFALL_SECRET_KEY": "c2hvcnQ="])
        }
        let key = Data(repeating: 7, count: 32).base64EncodedString()
        // The URL carries a password: like every secret it comes from the environment or the file only.
        let configuration = try FootfallConfiguration.load(
            commandLine: ["database-url": "postgres://u:from-the-command-line@h/db"],
            environment: ["FOOTFALL_SECRET_KEY": key, "FOOTFALL_DATABASE_URL": "postgres://u@h/db"])
        #expect(configuration.databaseURL == "postgres://u@h/db")
        #expect(configuration.secretKey == Array(repeating: 7, count: 32))
        #expect(configuration.migrateOnStart)
    }

    @Test func withoutADatabaseURLTheEmbeddedSQLiteFileIsUsed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try FootfallConfiguration.load(commandLine: ["data-dir": directory], environment: [:])
        let (setup, cameras) = try await FootfallApp.openStore(configuration: configuration, migrate: true,
                                                               logger: Logger(label: "test")) { try await $0.cameras() }
        #expect(setup.description == directory + "/footfall.sqlite")
        #expect(setup.services.isEmpty)
        #expect(cameras.isEmpty)
        #expect(FileManager.default.fileExists(atPath: directory + "/footfall.sqlite"))
    }
}
