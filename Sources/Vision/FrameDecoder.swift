/// How video is decoded: in this process (the default, or a lighter variant that skips the
/// deblocking filter on frames not analysed), or by an `ffmpeg` subprocess writing raw frames
/// to a pipe (the fallback, for a source the in-process decoder cannot open).
public enum FrameDecoder: String, Hashable, Sendable, CaseIterable {
    case inProcess = "in-process"
    /// In process, with frames the analysis passes over decoded without the deblocking filter
    /// (H.264 and HEVC): less decoding per camera, and frames analysed that differ slightly
    /// from the stream's pictures until the next key frame (`docs/performance.md`).
    case inProcessFast = "in-process-fast"
    case ffmpeg

    /// Opens `source` with this decoder.
    /// - Parameters:
    ///   - realTime: deliver frames at the stream's frame rate, as a live camera would (files).
    ///   - loop: start again at the end (files).
    ///   - rtspTransport: `tcp` or `udp`, for `rtsp://` sources.
    ///   - openTimeout: how long opening may take (in process; ffmpeg's probe has its own 20 s).
    ///   - keepRate: in process, frames per second handed on; the others are decoded but not
    ///     converted (`InProcessFrameReader`), and with `inProcessFast` not deblocked. The ffmpeg
    ///     decoder hands on every frame.
    public func open(source: String, realTime: Bool = false, loop: Bool = false, rtspTransport: String = "tcp",
                     openTimeout: Duration = .seconds(20), keepRate: Double? = nil) throws(VisionError) -> any FrameSource
    {
        switch self {
        case .inProcess, .inProcessFast:
            try InProcessFrameReader(source: source, realTime: realTime, loop: loop, rtspTransport: rtspTransport,
                                     openTimeout: openTimeout, keepRate: keepRate, light: self == .inProcessFast)
        case .ffmpeg:
            try FFmpegFrameReader(source: source, realTime: realTime, loop: loop, rtspTransport: rtspTransport)
        }
    }
}
