/// Where decoded frames come from: a file or a stream, read one frame at a time on the
/// calling thread (reading blocks). Not `Sendable`: one source belongs to one thread at a time.
public protocol FrameSource: AnyObject {
    /// The stream's size and frame rate as known when it was opened.
    var info: VideoInfo { get }
    /// The next frame, or `nil` at the end of the stream. Throws if decoding failed.
    func next() throws(VisionError) -> Frame?
    /// Stops decoding and frees what the source holds. Safe to call more than once.
    func close()
}
