/// What storing a batch of crossings did with them.
public struct StoredCrossings: Hashable, Sendable {
    /// Crossings stored for the first time.
    public var added: Int
    /// Crossings the camera's fence refused (`CrossingRecord.isFenced`): counted by a worker
    /// after its lease passed to another. The rest of the batch that was not added was stored
    /// already.
    public var fenced: Int

    public init(added: Int, fenced: Int = 0) {
        self.added = added
        self.fenced = fenced
    }
}
