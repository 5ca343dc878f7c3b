import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decodes a video file or stream with an `ffmpeg` subprocess that writes raw BGR frames
/// to a pipe. Reading blocks the calling thread, so callers run it on a thread of their own.
///
/// Not `Sendable`: one reader belongs to one thread at a time.
public final class FFmpegFrameReader: FrameSource {
    public let source: String
    public let info: VideoInfo
    private let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private let stderrTail = StderrTail()
    private var index = 0
    private var closed = false

    /// Starts decoding `source`.
    /// - Parameters:
    ///   - realTime: read at the stream's native frame rate (`-re`), as a live camera would deliver.
    ///   - loop: start again at the end (`-stream_loop -1`); files only.
    ///   - rtspTransport: `tcp` (the default: works through firewalls and NAT) or `udp`, for `rtsp://` sources.
    public init(source: String, realTime: Bool = false, loop: Bool = false, rtspTransport: String = "tcp") throws(VisionError) {
        self.source = source
        self.info = try VideoInfo.probe(source, rtspTransport: rtspTransport)
        var arguments = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin"]
        if source.lowercased().hasPrefix("rtsp") { arguments += ["-rtsp_transport", rtspTransport] }
        if realTime { arguments.append("-re") }
        if loop { arguments += ["-stream_loop", "-1"] }
        arguments += ["-i", source, "-an", "-sn", "-vf", "scale=\(info.width):\(info.height)",
                      "-f", "rawvideo", "-pix_fmt", "bgr24", "-"]
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let tail = stderrTail
        stderr.fileHandleForReading.readabilityHandler = { handle in tail.append(handle.availableData) }
        do {
            try process.run()
        } catch {
            throw .toolMissing("ffmpeg")
        }
    }

    deinit {
        close()
    }

    /// The next frame, or `nil` at the end of the stream. Throws if ffmpeg failed.
    public func next() throws(VisionError) -> Frame? {
        guard !closed else { return nil }
        let byteCount = info.width * info.height * 3
        var pixels = [UInt8](repeating: 0, count: byteCount)
        let fd = stdout.fileHandleForReading.fileDescriptor
        var filled = 0
        pixels.withUnsafeMutableBytes { buffer in
            while filled < byteCount {
                let n = read(fd, buffer.baseAddress! + filled, byteCount - filled)
                if n > 0 {
                    filled += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
        }
        if filled < byteCount {
            process.waitUntilExit()
            let status = process.terminationStatus
            close()
            if status != 0 {
                let tail = VideoInfo.redacting(source, in: stderrTail.text)
                let reason = tail.isEmpty ? "ffmpeg exited with status \(status)" : tail
                throw .decodeFailed(reason: reason)
            }
            return nil
        }
        let frame = Frame(width: info.width, height: info.height, pixels: pixels, index: index,
                          time: Double(index) / info.frameRate)
        index += 1
        return frame
    }

    /// The ffmpeg process id, for stopping it from another thread.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Stops ffmpeg. Safe to call more than once and from `deinit`.
    public func close() {
        guard !closed else { return }
        closed = true
        stderr.fileHandleForReading.readabilityHandler = nil
        // Close our end first: ffmpeg blocked on a full pipe ignores SIGTERM until its write fails.
        try? stdout.fileHandleForReading.close()
        if process.isRunning {
            process.terminate()
        }
        process.waitUntilExit()
    }
}

/// Keeps the last few kilobytes of ffmpeg's error output for error messages.
private final class StderrTail: @unchecked Sendable {
    // @unchecked: every access goes through `lock`; the readability handler runs on another thread.
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.lock()
        defer { lock.unlock() }
        data.append(chunk)
        if data.count > 4096 { data = data.suffix(4096) }
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
