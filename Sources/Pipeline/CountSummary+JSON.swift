import Foundation

extension CountSummary {
    /// One line of JSON with keys in the documented order
    /// (`frames, seconds, fps, lines[name, in, out], zones[name, peak, mean]`),
    /// seconds rounded to 0.01, frames/s to 0.1 and means to 0.01.
    public func jsonLine() -> String {
        func quoted(_ text: String) -> String {
            (try? String(decoding: JSONEncoder().encode(text), as: UTF8.self)) ?? "\"\""
        }
        func number(_ value: Double, places: Double) -> String {
            let rounded = (value * places).rounded() / places
            return rounded == rounded.rounded() ? String(Int(rounded)) + ".0" : String(rounded)
        }
        let lineItems = lines.map { #"{"name":\#(quoted($0.name)),"in":\#($0.countIn),"out":\#($0.countOut)}"# }
        let zoneItems = zones.map {
            #"{"name":\#(quoted($0.name)),"peak":\#($0.peak),"mean":\#(number($0.mean, places: 100))}"#
        }
        return #"{"frames":\#(frames),"seconds":\#(number(seconds, places: 100)),"fps":\#(number(fps, places: 10)),"#
            + #""lines":[\#(lineItems.joined(separator: ","))],"zones":[\#(zoneItems.joined(separator: ","))]}"#
    }
}
