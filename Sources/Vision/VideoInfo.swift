import Foundation

/// What `ffprobe` says about a source's first video stream.
public struct VideoInfo: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public var frameRate: Double
    /// Frames the container declares, when it does (files; not live streams).
    public var frameCount: Int?

    public init(width: Int, height: Int, frameRate: Double, frameCount: Int? = nil) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.frameCount = frameCount
    }

    /// Runs `ffprobe` on `source` (a path or URL). Blocks the calling thread for at most `timeout` seconds.
    public static func probe(_ source: String, rtspTransport: String = "tcp", timeout: Double = 20) throws(VisionError)
        -> VideoInfo
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let transport = source.lowercased().hasPrefix("rtsp") ? ["-rtsp_transport", rtspTransport] : []
        process.arguments = ["ffprobe", "-v", "error"] + transport + [
            "-select_streams", "v:0",
            "-show_entries", "stream=width,height,avg_frame_rate,r_frame_rate,nb_frames", "-of", "default=nw=1", source,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .toolMissing("ffprobe")
        }
        // A source that never answers (a silent stream, a stuck server) must not hold the thread forever.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 127 { throw .toolMissing("ffprobe") }
        var fields: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2, fields[parts[0]] == nil { fields[parts[0]] = parts[1] }
        }
        guard process.terminationStatus == 0, let width = fields["width"].flatMap(Int.init),
              let height = fields["height"].flatMap(Int.init), width > 0, height > 0
        else {
            let reason = redacting(source, in: errorText.trimmingCharacters(in: .whitespacesAndNewlines))
            throw .sourceUnavailable(source: redacted(source), reason: reason.isEmpty ? "no video stream found" : reason)
        }
        // r_frame_rate is the container's nominal rate; avg_frame_rate can be 0/0 for live streams.
        let rates = [fields["r_frame_rate"], fields["avg_frame_rate"]].compactMap { $0.flatMap(parseRate) }
            .filter { $0 > 0 && $0 < 1000 }
        return VideoInfo(width: width, height: height, frameRate: rates.first ?? 25,
                         frameCount: fields["nb_frames"].flatMap(Int.init))
    }

    private static func parseRate(_ text: String) -> Double? {
        let parts = text.split(separator: "/")
        if parts.count == 2, let n = Double(parts[0]), let d = Double(parts[1]), d > 0 { return n / d }
        return Double(text)
    }

    /// `text` with every occurrence of `source` replaced by its redacted form: ffmpeg repeats
    /// the URL, credentials included, in its messages.
    public static func redacting(_ source: String, in text: String) -> String {
        text.replacingOccurrences(of: source, with: redacted(source))
    }

    /// A source name safe to log: user and password in a URL are replaced by `***`.
    public static func redacted(_ source: String) -> String {
        guard let scheme = source.range(of: "://"), let at = source[scheme.upperBound...].firstIndex(of: "@") else {
            return source
        }
        let slash = source[scheme.upperBound...].firstIndex(of: "/") ?? source.endIndex
        guard at < slash else { return source }
        return String(source[..<scheme.upperBound]) + "***@" + String(source[source.index(after: at)...])
    }
}
