extension CountingResult {
    /// This minute's result combined with another part of the same minute.
    public func merged(with other: CountingResult) -> CountingResult {
        var merged = self
        merged.countIn += other.countIn
        merged.countOut += other.countOut
        if occupancySamples == 0 {
            merged.occupancyMin = other.occupancyMin
            merged.occupancyMax = other.occupancyMax
        } else if other.occupancySamples > 0 {
            merged.occupancyMin = min(occupancyMin, other.occupancyMin)
            merged.occupancyMax = max(occupancyMax, other.occupancyMax)
        }
        merged.occupancySum += other.occupancySum
        merged.occupancySamples += other.occupancySamples
        merged.dwellSeconds += other.dwellSeconds
        return merged
    }
}
