import Foundation

/// Test videos generated with ffmpeg's `lavfi`: dark boxes on a light background.
enum SyntheticVideo {
    /// ffmpeg must exist in CI; on a developer machine without it these tests are skipped.
    static var available: Bool {
        if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
        return FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg")
    }

    /// 320×240 at 25 fps, 14 s. A 24×48 dark box ("person", feet at its bottom) walks:
    /// - t 1–3 s: left → right, feet at y = 108
    /// - t 4–6 s: right → left, feet at y = 108
    /// - t 7–9 s: left → right, feet at y = 108
    /// - t 10–12 s: left → right, feet at y = 218 (below the counting line's lower end)
    ///
    /// Lossless FFV1 (every frame a key frame), or with `bFrames`, H.264 with three B-frames
    /// that no frame refers to between each pair of reference frames.
    static func fourPasses(bFrames: Bool = false) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("footfall-passes-\(UUID().uuidString).mkv").path
        let codec = bFrames
            ? ["-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-x264-params", "b-adapt=0:b-pyramid=none",
               "-pix_fmt", "yuv420p"]
            : ["-c:v", "ffv1"]
        let x = "if(between(t,1,3),-30+(t-1)*180,if(between(t,4,6),330-(t-4)*180,"
            + "if(between(t,7,9),-30+(t-7)*180,if(between(t,10,12),-30+(t-10)*180,-100))))"
        let y = "if(between(t,10,12),170,60)"
        try run([
            "ffmpeg", "-v", "error", "-y",
            "-f", "lavfi", "-i", "color=c=0xf0f0f0:s=320x240:r=25:d=14",
            "-f", "lavfi", "-i", "color=c=0x202020:s=24x48:r=25:d=14",
            "-filter_complex", "[0][1]overlay=x='\(x)':y='\(y)':eval=frame",
        ] + codec + [path])
        return path
    }

    /// The geometry matching `fourPasses`: a vertical line at x = 160 from y = 20 to 150
    /// (left is side +1: left → right counts "out") and a zone over the right half.
    static let geometryJSON = """
        {"lines":[{"name":"middle","a":[160,20],"b":[160,150]}],
         "zones":[{"name":"right","polygon":[[170,0],[320,0],[320,240],[170,240]]}]}
        """

    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "ffmpeg failed: \(arguments)"])
        }
    }
}
