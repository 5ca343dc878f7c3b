extension CountingResult {
    /// What one run last wrote of a minute: enough to tell what a later write of the same
    /// run's figures adds.
    public struct RunPart: Hashable, Sendable {
        public var countIn = 0
        public var countOut = 0
        public var occupancySum = 0.0
        public var occupancySamples = 0
        public var visits = 0

        public init(countIn: Int = 0, countOut: Int = 0, occupancySum: Double = 0, occupancySamples: Int = 0, visits: Int = 0) {
            self.countIn = countIn
            self.countOut = countOut
            self.occupancySum = occupancySum
            self.occupancySamples = occupancySamples
            self.visits = visits
        }
    }

    /// This run's figures as a part to remember.
    public var runPart: RunPart {
        RunPart(countIn: countIn, countOut: countOut, occupancySum: occupancySum, occupancySamples: occupancySamples,
                visits: dwellSeconds.count)
    }

    /// What these figures of a run add to those it wrote before (`previous`): the growth of
    /// each count, the samples and visits after the ones already written, and the run's
    /// occupancy range, which merging again cannot widen wrongly. Figures that went back
    /// (never from the same frames counted again) add nothing. The part returned has no run.
    public func growth(over previous: RunPart?) -> CountingResult {
        guard let previous else {
            var whole = self
            whole.runID = nil
            return whole
        }
        let newSamples = occupancySamples > previous.occupancySamples
        return CountingResult(
            cameraID: cameraID, kind: kind, name: name, minute: minute,
            countIn: max(0, countIn - previous.countIn), countOut: max(0, countOut - previous.countOut),
            occupancyMin: newSamples ? occupancyMin : 0, occupancyMax: newSamples ? occupancyMax : 0,
            occupancySum: newSamples ? occupancySum - previous.occupancySum : 0,
            occupancySamples: newSamples ? occupancySamples - previous.occupancySamples : 0,
            dwellSeconds: Array(dwellSeconds.dropFirst(previous.visits)))
    }

    /// The part remembered after writing these figures over `previous`: each the further.
    public func furthestPart(over previous: RunPart?) -> RunPart {
        guard let previous else { return runPart }
        let newSamples = occupancySamples > previous.occupancySamples
        return RunPart(countIn: max(countIn, previous.countIn), countOut: max(countOut, previous.countOut),
                       occupancySum: newSamples ? occupancySum : previous.occupancySum,
                       occupancySamples: max(occupancySamples, previous.occupancySamples),
                       visits: max(dwellSeconds.count, previous.visits))
    }
}
