/// Which decoded frames a camera analyses: no more than its analysis rate, and while the
/// inference service is behind, no more than its minimum rate, so that every camera keeps
/// being counted (at a lower rate) instead of a few taking all the time.
struct AnalysisGate: Equatable {
    enum Decision: Equatable {
        /// Analyse the frame.
        case analyse
        /// Skip it: the camera's analysis rate asks for fewer frames (not a loss).
        case skip
        /// Shed it: the rate wanted it, but detection is behind and the camera falls back to
        /// its minimum rate.
        case shed
    }

    /// Frames analysed per second at most; nil for every frame.
    let rate: Double?
    /// Frames per second still analysed while detection is behind; nil never sheds.
    let minimumRate: Double?
    /// Stream time of the last frame analysed.
    private(set) var lastAnalysed = -Double.infinity
    /// Stream time of the last frame the rate wanted, analysed or shed.
    private var lastDue = -Double.infinity

    init(rate: Double?, minimumRate: Double?) {
        self.rate = rate
        self.minimumRate = minimumRate
    }

    /// The decision for a frame at stream time `time`, while the inference service is `behind` or not.
    mutating func admit(time: Double, behind: Bool) -> Decision {
        // A millionth of a second of slack: frame times are sums of 1/fps and not exact.
        if let rate, time < lastDue + 1 / rate - 1e-6 { return .skip }
        lastDue = time
        if behind, let minimumRate, time < lastAnalysed + 1 / minimumRate - 1e-6 { return .shed }
        lastAnalysed = time
        return .analyse
    }
}
