import CFFmpeg
import Foundation

/// Decodes a video file or stream in this process with libavformat and libavcodec: no
/// subprocess and no pipe, so no copy of every frame through the kernel. Each frame is
/// converted into the buffer the analyser gets, without zeroing it first. With a rate to keep,
/// frames the analysis would not take are not converted to BGR nor handed on, and those no
/// later frame refers to (a stream's non-reference frames, such as most B-frames) are not
/// decoded at all.
///
/// Not `Sendable`: one reader belongs to one thread at a time.
public final class InProcessFrameReader: FrameSource {
    public let source: String
    public private(set) var info: VideoInfo
    private var handle: OpaquePointer?
    private let realTime: Bool
    private let loop: Bool
    /// The next frame's index: frames are numbered on the stream's frame-rate grid.
    private var index = 0
    /// Index of the stream's first frame since the last rewind, so a looped file's time grows.
    private var loopStart = 0
    private var playing: ContinuousClock.Instant?
    private var framesSinceRewind = 0
    private let keepRate: Double?
    /// Stream time of the last frame handed on.
    private var lastKept = -Double.infinity
    private var decodedWhenClosed = 0

    /// Opens `source`.
    /// - Parameters:
    ///   - realTime: deliver frames at the stream's frame rate, as a live camera would (files).
    ///   - loop: start again at the end (files).
    ///   - rtspTransport: `tcp` (the default: works through firewalls and NAT) or `udp`.
    ///   - openTimeout, readTimeout: how long opening, and waiting for a frame, may take; a
    ///     stream silent for longer ends (and its camera is restarted).
    ///   - keepRate: frames per second handed on (nil: every frame): a frame is kept when it comes
    ///     at least 1 / rate after the last kept, as `AnalysisGate` admits frames, or a second
    ///     after it, so that a slow rate never reads as a stalled stream.
    ///   - light: frames not kept are decoded without the deblocking filter (`ff_decoder_set_light`).
    public init(source: String, realTime: Bool = false, loop: Bool = false, rtspTransport: String = "tcp",
                openTimeout: Duration = .seconds(20), readTimeout: Duration = .seconds(10),
                keepRate: Double? = nil, light: Bool = false) throws(VisionError) {
        self.source = source
        self.keepRate = keepRate.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        self.realTime = realTime
        self.loop = loop
        var error = [CChar](repeating: 0, count: 512)
        guard let handle = ff_decoder_open(source, rtspTransport == "udp" ? 0 : 1, Self.milliseconds(openTimeout),
                                           Self.milliseconds(readTimeout), &error, Int32(error.count))
        else {
            throw .sourceUnavailable(source: VideoInfo.redacted(source), reason: String(errorBuffer: error))
        }
        self.handle = handle
        ff_decoder_set_light(handle, light ? 1 : 0)
        var width: Int32 = 0, height: Int32 = 0, frames: Int32 = 0
        var rate = 0.0
        ff_decoder_info(handle, &width, &height, &rate, &frames)
        info = VideoInfo(width: Int(width), height: Int(height), frameRate: rate > 0 && rate < 1_000 ? rate : 25,
                         frameCount: frames > 0 ? Int(frames) : nil)
    }

    deinit {
        close()
    }

    /// Frames decoded so far, handed on or not; frames skipped undecoded are not counted.
    public var framesDecoded: Int {
        handle.map { Int(ff_decoder_frames_decoded($0)) } ?? decodedWhenClosed
    }

    public func next() throws(VisionError) -> Frame? {
        guard let handle else { return nil }
        // Kept as `AnalysisGate` admits frames: at least 1 / rate after the last kept (or a
        // second, so that a slow rate never reads as a stalled stream). Half a frame early, as
        // the decoder's times are not on the frame-rate grid that frames are numbered by.
        let due = keepRate.map { lastKept + min(1, 1 / $0) - 1e-6 } ?? -Double.infinity
        // In the decoder's time, which starts again at each rewind.
        var notBefore: Double { due - Double(loopStart) / info.frameRate - 0.5 / info.frameRate }
        var width = Int32(info.width), height = Int32(info.height)
        var shown = 0.0
        var error = [CChar](repeating: 0, count: 512)
        var result: Int32 = 0
        // Every byte is written by the decoder before the frame is used (result 1); otherwise
        // the array is replaced or dropped.
        func read() -> [UInt8] {
            Self.decoderBuffer(width: info.width, height: info.height) { buffer in
                result = ff_decoder_read(handle, notBefore, buffer.baseAddress, buffer.count, &width, &height, &shown,
                                         &error, Int32(error.count))
            }
        }
        var pixels = read()
        if result == 0, loop, framesSinceRewind > 0, ff_decoder_rewind(handle) == 0 {
            framesSinceRewind = 0
            loopStart = index
            pixels = read()
        }
        switch result {
        case 1:
            break
        case 2:
            // The stream changed size: frames from now on have the new one.
            info.width = Int(width)
            info.height = Int(height)
            var taken: Int32 = 0
            pixels = Self.decoderBuffer(width: info.width, height: info.height) { buffer in
                taken = ff_decoder_take(handle, buffer.baseAddress, buffer.count)
            }
            guard taken == 1 else { throw .decodeFailed(reason: "a frame changed size and could not be read") }
        case 0:
            close()
            return nil
        default:
            close()
            throw .decodeFailed(reason: VideoInfo.redacting(source, in: String(errorBuffer: error)))
        }
        // Numbered on the frame-rate grid, and never behind the frame before, whatever a live
        // stream's timestamps jitter.
        index = max(index, loopStart + Int((shown * info.frameRate).rounded()))
        if realTime { pace() }
        let frame = Frame(width: info.width, height: info.height, pixels: pixels, index: index,
                          time: Double(index) / info.frameRate)
        lastKept = frame.time
        index += 1
        framesSinceRewind += 1
        return frame
    }

    /// Waits until the next frame is due at the stream's frame rate, counted from the first.
    private func pace() {
        let now = ContinuousClock.now
        guard let playing else {
            self.playing = now
            return
        }
        let due = playing.advanced(by: .seconds(Double(index) / info.frameRate))
        if due > now {
            let wait = now.duration(to: due).components
            Thread.sleep(forTimeInterval: Double(wait.seconds) + Double(wait.attoseconds) * 1e-18)
        }
    }

    /// A frame's pixels, `width` × `height` × 3 bytes, in storage `FF_DECODER_PADDING` bytes
    /// longer, which the decoder needs; `fill` gets all of it.
    private static func decoderBuffer(width: Int, height: Int,
                                      _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) -> [UInt8] {
        let byteCount = max(0, width * height * 3)
        return [UInt8](unsafeUninitializedCapacity: byteCount + Int(FF_DECODER_PADDING)) { buffer, count in
            fill(buffer)
            count = byteCount
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let parts = duration.components
        return Int32(clamping: parts.seconds * 1_000 + parts.attoseconds / 1_000_000_000_000_000)
    }

    public func close() {
        guard let handle else { return }
        self.handle = nil
        decodedWhenClosed = Int(ff_decoder_frames_decoded(handle))
        ff_decoder_close(handle)
    }
}
