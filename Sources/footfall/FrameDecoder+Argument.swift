import ArgumentParser
import Vision

/// `--decoder in-process|ffmpeg`.
extension FrameDecoder: ExpressibleByArgument {}
