import Foundation
import Synchronization
import Vision
#if canImport(Glibc)
import Glibc
#endif

/// Runs a frame source (in-process decoding, or an ffmpeg subprocess) on a thread of its own
/// and feeds a `FrameQueue`.
///
/// A dedicated thread, not a task: reading blocks, and a blocked task would hold one of the
/// few cooperative threads (two on a 2-core machine).
final class FrameReaderThread: Sendable {
    let queue: FrameQueue
    private let decoder: FrameDecoder
    private let processID = Atomic<Int32>(0)
    private let stopped = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// Starts reading `source`. `onOpen` runs on the reader thread once the source is open.
    init(source: String, realTime: Bool, loop: Bool, rtspTransport: String = "tcp", decoder: FrameDecoder = .inProcess,
         openTimeout: Duration = .seconds(20), keepRate: Double? = nil, queue: FrameQueue,
         onOpen: @escaping @Sendable (VideoInfo) -> Void) {
        self.queue = queue
        self.decoder = decoder
        let thread = Thread { [self] in
            defer { self.done.signal() }
            do {
                let reader = try decoder.open(source: source, realTime: realTime, loop: loop, rtspTransport: rtspTransport,
                                              openTimeout: openTimeout, keepRate: keepRate)
                // An ffmpeg subprocess is stopped by a signal; the in-process decoder between
                // two frames (a silent stream within its read timeout).
                if let ffmpeg = reader as? FFmpegFrameReader {
                    self.processID.store(ffmpeg.processIdentifier, ordering: .relaxed)
                }
                defer {
                    self.processID.store(0, ordering: .relaxed)
                    reader.close()
                }
                onOpen(reader.info)
                while !self.stopped.load(ordering: .relaxed), let frame = try reader.next() {
                    if !queue.push(frame) { break }
                }
                queue.finish()
            } catch {
                // ffmpeg killed by `stop()` exits with an error status: that is a clean end.
                if self.stopped.load(ordering: .relaxed) { queue.finish() } else { queue.finish(error: error) }
            }
        }
        thread.name = "footfall.decode"
        thread.start()
    }

    /// Asks the reader to stop: no frame reaches the queue after this, and an ffmpeg
    /// subprocess is sent SIGTERM.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        queue.cancel()
        let pid = processID.load(ordering: .relaxed)
        if pid > 0 { kill(pid, SIGTERM) }
    }

    /// Waits until the reader thread has ended; call after `stop()` or once the queue finished.
    ///
    /// After `stop()`, an in-process decoder is not waited for: a read on a silent stream
    /// cannot be interrupted and ends only at its read timeout, while a camera handing over
    /// (a lost lease, a rebalance, shutdown) must stop at once. Its thread closes the source
    /// by itself, and no frame of it reaches the queue.
    func join() async {
        if stopped.load(ordering: .relaxed) && decoder != .ffmpeg { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [done] in
                done.wait()
                done.signal()
                continuation.resume()
            }
        }
    }
}
