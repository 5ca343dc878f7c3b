import COpenCV

/// OpenCV's worker threads for this process (detectors use them to run in parallel).
public enum OpenCVThreads {
    /// Sets how many threads OpenCV may use; 1 runs everything on the calling thread.
    public static func set(_ count: Int) {
        ff_set_threads(Int32(max(1, count)))
    }
}
