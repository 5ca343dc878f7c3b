import ArgumentParser

/// The detectors `footfall count` can run.
enum DetectorKind: String, CaseIterable, ExpressibleByArgument {
    /// The trained SSDLite person detector (`footfall models install ssdlite`).
    case ssd
    /// Weight-free background subtraction.
    case motion
    /// OpenCV's HOG people detector.
    case hog
    /// A YOLO ONNX model of the user's own (`--model`).
    case onnx
}
