import Foundation
import Glibc

/// How every long-lived child of a test starts (LiveStage, ProcessGroup, the
/// ingest tests' processes): posix_spawn with the signal mask cleared but for
/// `blockedSignals`, SIGHUP, SIGINT, SIGTERM and SIGPIPE at their default
/// dispositions (Foundation's `Process` starts children with signals
/// blocked, so they would not stop on SIGTERM), optionally leading a process
/// group of its own, and `environment` set over this process's.
public enum ChildSpawn {
    /// Spawns `executable` with `arguments` (argv[0] is the executable) and
    /// the caller's file actions; the child's pid, or an error naming the reason.
    public static func spawn(_ executable: String, _ arguments: [String], actions: inout posix_spawn_file_actions_t,
                             blockedSignals: [Int32] = [], newProcessGroup: Bool = false,
                             environment: [String: String] = [:]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t(), defaults = sigset_t()
        sigemptyset(&mask)
        for signal in blockedSignals { sigaddset(&mask, signal) }
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGTERM, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            flags |= POSIX_SPAWN_SETPGROUP
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status: Int32
        if environment.isEmpty {
            status = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        } else {
            let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { envp.forEach { free($0) } }
            status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        }
        guard status == 0 else { throw TestSupportError("posix_spawn \(executable): \(String(cString: strerror(status)))") }
        return child
    }
}
