/// The names of the metrics the API server keeps, in one place (the pipelines' are in
/// `PipelineMetrics.Name`).
enum ServerMetrics {
    /// Pushed frames refused because their time was outside the push window; label `camera`.
    static let pushedFramesRefused = "footfall_pushed_frames_refused_total"
    /// How long queuing a push of detections took (with RabbitMQ: until the broker confirmed
    /// the persistent message); no labels.
    static let pushQueueSeconds = "footfall_push_queue_seconds"
    /// The buckets of `pushQueueSeconds`.
    static let pushQueueBuckets: [Duration] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500].map { .milliseconds($0) }
}
