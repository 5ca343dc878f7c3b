import Foundation

/// Runs helper programs for the tests (server scripts, fixture generators) without blocking the
/// cooperative thread pool: the child is spawned with `posix_spawn` and reaped on a thread of
/// its own. Foundation's `Process` was seen to miss its child's exit inside the test runner.
public enum ChildProcess {
    /// How a finished program ended.
    public struct Result: Sendable {
        /// The raw status `waitpid` reported (0 for a successful exit).
        public var status: Int32
        /// What it wrote to standard output (and standard error, when asked for).
        public var output: String
    }

    /// A program that exited with a non-zero status.
    public struct Failure: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var output: String
        public var description: String { "`\(command)` failed with status \(status): \(output.suffix(2_000))" }
    }

    /// Runs `executable` with `arguments` and returns its standard output (and standard error,
    /// with `includeErrors`); throws ``Failure`` when it exits with a non-zero status.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           includeErrors: Bool = false) async throws -> String {
        let result = try await status(executable, arguments, environment: environment, includeErrors: includeErrors)
        guard result.status == 0 else {
            throw Failure(command: ([executable] + arguments).joined(separator: " "), status: result.status,
                          output: result.output)
        }
        return result.output
    }

    /// Runs `executable` (a path, or a name looked up on `PATH`) with `arguments` and returns how
    /// it ended, whatever the status. `environment` adds to (or overrides) this process's.
    public static func status(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                              includeErrors: Bool = false) async throws -> Result {
        let output = NSTemporaryDirectory() + "footfall-child-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if includeErrors {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw Failure(command: executable, status: spawned, output: "cannot start: \(String(cString: strerror(spawned)))")
        }
        let child = pid
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let reaper = Thread {
                var status: Int32 = 0
                while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: status)
            }
            reaper.start()
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return Result(status: status, output: text)
    }
}
