/// Which picture of a camera the live cache holds.
public enum SnapshotKind: String, Sendable, CaseIterable {
    /// The latest frame with the camera's lines, zones and tracked people drawn on it.
    case annotated
    /// A recent frame as the camera saw it, for drawing lines and zones on.
    case plain
    /// The latest frame with every person seen pixelated and the lines and zones drawn: what
    /// stored snapshots keep unless blurring is turned off.
    case blurred
}
