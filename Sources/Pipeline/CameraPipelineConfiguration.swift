import CountingCore
import Storage
import Vision

/// How one camera's pipeline runs.
public struct CameraPipelineConfiguration: Sendable {
    /// Read at the stream's own rate, as a live camera delivers (for files played as cameras).
    public var realTime: Bool
    /// Start a file again at its end.
    public var loop: Bool
    /// Live sources drop the oldest frames when analysis falls behind; files wait for analysis.
    public var latestFrameWins: Bool
    /// Frames waiting between decoder and analysis.
    public var queueCapacity: Int
    /// Stream seconds between two rendered snapshots.
    public var snapshotInterval: Double
    /// Stream seconds between two bare frames kept for drawing lines and zones on.
    public var plainSnapshotInterval: Double
    public var detector: DetectorSpecification
    /// The model `detector` runs, whose figures are stored per minute (`model_logs`); nil stores none.
    public var model: AIModel?
    /// No frame for this long: the camera is stalled and its decoder is restarted.
    public var stallTimeout: Duration
    /// Frames analysed per second at most (nil: every frame); decoding keeps the stream's rate.
    public var analysisRate: Double?
    /// Frames analysed per second while detection is behind (nil: no fallback, the queue's
    /// latest frame wins); see `AnalysisGate`.
    public var minimumAnalysisRate: Double?
    /// Where detection runs: the process's shared inference threads; nil runs it on the
    /// camera's own task (offline counting, tests).
    public var inference: InferenceService?
    /// `tcp` or `udp` for RTSP cameras.
    public var rtspTransport: String
    /// How video is decoded: in this process (the default, or its lighter variant) or by an ffmpeg subprocess.
    public var decoder: FrameDecoder
    /// How long opening a source may take before the run fails (in-process decoding).
    public var openTimeout: Duration
    /// Start again when the stream ends, as a live camera should; a file counted once should not.
    public var restartWhenEnded: Bool
    public var counting: CountingConfiguration
    /// Where the camera's crossings wait on disk until the sink takes them (`CrossingSpool`);
    /// nil keeps them in memory only.
    public var spoolDirectory: String?
    /// Seconds of a pushed camera's stream between checkpoints, when its inbox is durable: what
    /// the camera's next holder counts again after a worker dies.
    public var checkpointInterval: Double

    public init(realTime: Bool = true, loop: Bool = false, latestFrameWins: Bool = true, queueCapacity: Int = 2,
                snapshotInterval: Double = 1, plainSnapshotInterval: Double = 10, detector: DetectorSpecification = .motion(.init()),
                model: AIModel? = nil, counting: CountingConfiguration = .init(), stallTimeout: Duration = .seconds(15),
                analysisRate: Double? = nil, minimumAnalysisRate: Double? = nil, inference: InferenceService? = nil,
                rtspTransport: String = "tcp", decoder: FrameDecoder = .inProcess, openTimeout: Duration = .seconds(20),
                restartWhenEnded: Bool = false, spoolDirectory: String? = nil, checkpointInterval: Double = 1) {
        self.checkpointInterval = checkpointInterval
        self.decoder = decoder
        self.openTimeout = openTimeout
        self.spoolDirectory = spoolDirectory
        self.minimumAnalysisRate = minimumAnalysisRate
        self.inference = inference
        self.restartWhenEnded = restartWhenEnded
        self.stallTimeout = stallTimeout
        self.analysisRate = analysisRate
        self.rtspTransport = rtspTransport
        self.realTime = realTime
        self.loop = loop
        self.latestFrameWins = latestFrameWins
        self.queueCapacity = queueCapacity
        self.snapshotInterval = snapshotInterval
        self.plainSnapshotInterval = plainSnapshotInterval
        self.detector = detector
        self.model = model
        self.counting = counting
    }
}
