import Foundation

/// A one-line progress bar on standard error, redrawn in place.
enum ProgressBar {
    static func draw(done: Int, total: Int?) {
        let text: String
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            text = "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
                + "] \(done)/\(total) frames"
        } else {
            text = "\r\(done) frames"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
