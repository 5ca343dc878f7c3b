/// The names of the metrics the API server keeps, in one place (the pipelines' are in
/// `PipelineMetrics.Name`).
enum ServerMetrics {
    /// Pushed frames refused because their time was outside the push window; label `camera`.
    static let pushedFramesRefused = "footfall_pushed_frames_refused_total"
}
