import CountingCore
import Vision

/// The detector a camera gets unless told otherwise: the trained ssd detector (tiles at native
/// scale where the camera's lines and zones are) when its model is installed in the data
/// directory, the weight-free motion detector otherwise.
public enum DefaultDetector {
    /// The model the default detector uses.
    public static let model = InstallableModel.ssdlite

    /// The specification and a sentence for the log saying which detector and why.
    public static func choose(dataDirectory: String, geometry: Geometry, personSize: PersonSize?)
        -> (specification: DetectorSpecification, reason: String)
    {
        let directory = model.directory(dataDirectory: dataDirectory)
        guard SSDModel.isInstalled(directory: directory) else {
            return (.motion(.init()), "detector motion: no trained model in \(directory) "
                    + "(`footfall models install \(model.name)` installs one)")
        }
        let specification = DetectorSpecification.ssd(
            SSDDetectorConfiguration(modelDirectory: directory, mode: .regions, personSize: personSize, geometry: geometry))
        return (specification, "detector \(specification.summary): the trained \(model.name) model is installed")
    }
}
