import ArgumentParser
import Vision

/// `--motion-background mixture|gaussian`.
extension MotionDetectorConfiguration.Background: ExpressibleByArgument {}
