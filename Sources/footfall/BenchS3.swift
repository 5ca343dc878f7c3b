import ArgumentParser
import Foundation
import Logging
import StorageS3

struct BenchS3: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s3",
        abstract: "Upload throughput to an S3-compatible server, against awscli on the same server.",
        discussion: """
            Makes a bucket on --url and uploads a --size-mib MiB file --runs times with Footfall's \
            client (in parts: 8 MiB, 4 at once) and as many times with `aws s3 cp` (the baseline, \
            run in turn with Footfall's uploads), then prints each one's median MiB/s and the ratio. \
            awscli's time includes its start, measured apart with `aws --version` and printed too. \
            The key comes from FOOTFALL_S3_ACCESS_KEY_ID and FOOTFALL_S3_SECRET_ACCESS_KEY; \
            scripts/bench_s3.sh starts a server and runs this.
            """)

    @Option(help: "The server: http(s)://host[:port].")
    var url: String

    @Option(help: "The object's size in MiB.")
    var sizeMib = 64

    @Option(help: "Uploads by each client.")
    var runs = 5

    @Option(help: "The region signatures name.")
    var region = "us-east-1"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let keyID = environment["FOOTFALL_S3_ACCESS_KEY_ID"], let secret = environment["FOOTFALL_S3_SECRET_ACCESS_KEY"] else {
            throw ValidationError("set FOOTFALL_S3_ACCESS_KEY_ID and FOOTFALL_S3_SECRET_ACCESS_KEY")
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let bucket = "footfall-bench-\(UUID().uuidString.lowercased().prefix(8))"
        let configuration = try S3Configuration(url: "\(url)/\(bucket)", region: region,
                                                credentials: S3Credentials(accessKeyID: keyID, secretAccessKey: secret))
        try await S3Client.with(configuration: configuration, logger: logger) { client in
            try await measure(client, bucket: bucket, keyID: keyID, secret: secret)
        }
    }

    private func measure(_ client: S3Client, bucket: String, keyID: String, secret: String) async throws {
        let environment = ProcessInfo.processInfo.environment
        try await client.createBucket()

        let path = NSTemporaryDirectory() + "footfall-bench-s3-\(UUID().uuidString.prefix(8)).bin"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(sizeMib << 20) / 8).map { _ in generator.next() as UInt64 }
        FileManager.default.createFile(atPath: path, contents: bytes.withUnsafeBytes { Data($0) })
        let mebibytes = Double(sizeMib)

        let clock = ContinuousClock()
        func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
        func awscli(_ arguments: [String]) throws -> Double {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["aws"] + arguments
            var variables = environment
            variables["AWS_ACCESS_KEY_ID"] = keyID
            variables["AWS_SECRET_ACCESS_KEY"] = secret
            variables["AWS_DEFAULT_REGION"] = region
            process.environment = variables
            process.standardOutput = FileHandle.nullDevice
            let start = clock.now
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw ValidationError("aws \(arguments.prefix(2).joined(separator: " ")) failed") }
            return seconds(clock.now - start)
        }

        var ours: [Double] = [], theirs: [Double] = [], starts: [Double] = []
        for run in 0..<runs {
            starts.append(try awscli(["--version"]))
            theirs.append(try awscli(["s3", "cp", "--only-show-errors", "--endpoint-url", url, path, "s3://\(bucket)/aws-\(run)"]))
            let start = clock.now
            try await client.putFile(at: path, key: "footfall-\(run)", contentType: "application/octet-stream")
            ours.append(seconds(clock.now - start))
            guard try await client.head(key: "footfall-\(run)")?.size == sizeMib << 20 else {
                throw ValidationError("the uploaded object has the wrong size")
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let footfall = median(ours), aws = median(theirs), awsStart = median(starts)
        print("footfall bench s3: \(sizeMib) MiB × \(runs), \(url)")
        print(String(format: "  footfall client: %.2f s (%.0f MiB/s)", footfall, mebibytes / footfall))
        print(String(format: "  aws s3 cp:       %.2f s (%.0f MiB/s), of which %.2f s is awscli starting", aws, mebibytes / aws, awsStart))
        print(String(format: "  ratio (footfall time / aws time): %.2f; without awscli's start: %.2f", footfall / aws,
                     footfall / max(0.001, aws - awsStart)))
        for run in 0..<runs {
            try await client.delete(key: "footfall-\(run)")
            try await client.delete(key: "aws-\(run)")
        }
    }
}
