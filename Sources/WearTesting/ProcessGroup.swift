import Foundation
import Glibc

/// A command (a shell pipeline, a server) running in its own process group,
/// stdout and stderr to files, for tests that start long-lived processes:
/// `stop()` ends the whole group (SIGTERM, then SIGKILL after `grace`) and
/// waits for the leader; it runs at `deinit` too, so a failing test leaves
/// nothing behind.
///
/// Spawned with posix_spawn, an empty signal mask and default dispositions
/// (Foundation's `Process` starts children with signals blocked, so they
/// would not stop on SIGTERM).
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
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t(), defaults = sigset_t()
        sigemptyset(&mask)
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGTERM, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        // The working directory: posix_spawn has no portable chdir action, so the shell does it.
        let cd = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path]
        let cdArgv = (cd + [executable] + arguments).map { strdup($0) } + [nil]
        defer { cdArgv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, "/bin/sh", &actions, &attributes, cdArgv, envp)
        guard status == 0 else {
            throw TestSupportError("posix_spawn \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
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
