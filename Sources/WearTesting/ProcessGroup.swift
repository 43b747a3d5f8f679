import Foundation
import Glibc

/// A command (a shell pipeline, a server) running in its own process group,
/// stdout and stderr to files, for tests that start long-lived processes:
/// `stop()` ends the whole group (SIGTERM, then SIGKILL after `grace`) and
/// waits for the leader; it runs at `deinit` too, so a failing test leaves
/// nothing behind.
///
/// Spawned by `ChildSpawn` (an empty signal mask, default dispositions).
public final class ProcessGroup: @unchecked Sendable {
    public let name: String
    public let pid: pid_t
    public let stdoutPath: String
    public let stderrPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` (an absolute path) with `arguments` in `directory`,
    /// its output in `directory`/`name`.stdout and .stderr.
    public init(_ name: String, _ executable: String, _ arguments: [String], directory: URL,
                environment: [String: String] = [:]) throws {
        self.name = name
        stdoutPath = directory.appendingPathComponent("\(name).stdout").path
        stderrPath = directory.appendingPathComponent("\(name).stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // The working directory: posix_spawn has no portable chdir action, so the shell does it.
        pid = try ChildSpawn.spawn("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", directory.path, executable] + arguments,
                                   actions: &actions, newProcessGroup: true, environment: environment)
    }

    /// A shell script (`/bin/sh -c`) in its own group.
    public convenience init(shell name: String, _ script: String, directory: URL, environment: [String: String] = [:]) throws {
        try self.init(name, "/bin/sh", ["-c", script], directory: directory, environment: environment)
    }

    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    /// True while the group's leader has not exited.
    public var isRunning: Bool {
        lock.withLock {
            if exitStatus != nil { return false }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { exitStatus = status; return false }
            return true
        }
    }

    /// Ends every process of the group: SIGTERM, then SIGKILL after `grace` seconds; reaps the leader.
    public func stop(grace: TimeInterval = 5) {
        kill(-pid, SIGTERM)
        _ = Polling.until(upTo: grace) { !isRunning }
        kill(-pid, SIGKILL)
        lock.withLock {
            guard exitStatus == nil else { return }
            var status: Int32 = 0
            if waitpid(pid, &status, 0) == pid { exitStatus = status }
        }
    }

    deinit { stop(grace: 1) }
}
