import ArgumentParser
import Vision

/// `--decoder in-process|in-process-fast|ffmpeg`.
extension FrameDecoder: ExpressibleByArgument {}
