import Testing

/// Waits until `condition` holds, polling every 10 ms, and fails the test (recording where)
/// if it still does not hold after `timeout`.
///
/// The timeout is only a guard against a hang: the verdict is whether the condition comes to
/// hold, never how fast, so it is generous enough for a loaded two-core machine.
public func eventually(
    _ what: String, timeout: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try await condition() { return }
        if clock.now >= deadline { break }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out after \(timeout) waiting for \(what)", sourceLocation: sourceLocation)
    throw EventuallyTimeout(what: what)
}

/// Thrown by ``eventually(_:timeout:sourceLocation:_:)`` when the condition never held.
public struct EventuallyTimeout: Error, CustomStringConvertible {
    public var what: String
    public var description: String { "timed out waiting for \(what)" }
}
