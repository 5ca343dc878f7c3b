import CountingCore

extension LineCrossing {
    /// One line of `--list-crossings` (`footfall count` and `footfall eval`).
    func listed(frame: Int) -> String {
        let linked = linkedTrackID.map { " (linked from track \($0))" } ?? ""
        return "crossing: frame \(frame), line \(line), \(direction.rawValue), track \(trackID)\(linked)"
    }
}
