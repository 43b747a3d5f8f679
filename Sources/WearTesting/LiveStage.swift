import Foundation
import Glibc
import WearCore

/// A stage binary running behind real pipes, for tests that talk to it while
/// it runs: write (whole or one byte per write), wait for output, signal,
/// close input, wait for the exit. Every wait has a deadline only to turn a
/// hang into a failure; none measures time.
///
/// Spawned by `ChildSpawn` (an empty signal mask, default dispositions).
/// Every descriptor this process keeps is close-on-exec, so concurrent tests'
/// children never hold our pipes open.
public final class LiveStage: @unchecked Sendable {
    public let name: String
    public let pid: pid_t
    /// Our end of the child's stdin pipe; -1 once closed or when stdin was given.
    private var inputFD: Int32
    private let state = NSCondition()
    private var stdoutData = Data()
    private var stderrData = Data()
    private var openStreams = 2
    private var exitStatus: Int32?

    /// Serialises pipe creation and spawning, so no child of ours inherits a
    /// descriptor in the instant before it is marked close-on-exec.
    private static let spawnLock = NSLock()

    /// Starts `name` (a built binary) with `arguments`; absolute paths only
    /// (the child keeps this process's directory). `standardInput`: a
    /// descriptor to give the child as stdin instead of a pipe (not closed here).
    /// `blockedSignals`: signals the child starts with blocked, as some
    /// parents (Foundation's `Process`) leave them. `environment`: variables
    /// set (or replaced) for the child only, on top of this process's.
    public convenience init(_ name: String, _ arguments: [String], standardInput: Int32? = nil, blockedSignals: [Int32] = [],
                            environment: [String: String] = [:]) throws {
        try self.init(executable: try Binaries.url(of: name), arguments, standardInput: standardInput,
                      blockedSignals: blockedSignals, environment: environment)
    }

    /// Starts any executable (a script, say) the same way. `newProcessGroup`:
    /// the child leads a process group of its own, so `signalGroup` can do
    /// what a terminal's Ctrl-C does (signal the whole foreground group)
    /// without reaching the test runner.
    public init(executable url: URL, _ arguments: [String], standardInput: Int32? = nil, blockedSignals: [Int32] = [],
                environment: [String: String] = [:], newProcessGroup: Bool = false) throws {
        self.name = url.lastPathComponent
        let executable = url.path
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        let input = standardInput == nil ? try Self.makePipe() : [standardInput!, -1]
        let output = try Self.makePipe(), errors = try Self.makePipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        let spawned = Result {
            try ChildSpawn.spawn(executable, arguments, actions: &actions, blockedSignals: blockedSignals,
                                 newProcessGroup: newProcessGroup, environment: environment)
        }
        if standardInput == nil { close(input[0]) }
        close(output[1])
        close(errors[1])
        if case .failure = spawned {
            if standardInput == nil { close(input[1]) }
            close(output[0])
            close(errors[0])
        }
        pid = try spawned.get()
        inputFD = input[1]
        startReading(output[0], isStderr: false)
        startReading(errors[0], isStderr: true)
    }

    private static func makePipe() throws -> [Int32] {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw TestSupportError("pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fds
    }

    private func startReading(_ fd: Int32, isStderr: Bool) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                state.withLock {
                    if isStderr { stderrData.append(contentsOf: buffer[0..<count]) } else { stdoutData.append(contentsOf: buffer[0..<count]) }
                    state.broadcast()
                }
            }
            close(fd)
            state.withLock {
                openStreams -= 1
                state.broadcast()
            }
        }
    }

    public var stdout: Data { state.withLock { stdoutData } }
    public var stderr: String { state.withLock { String(decoding: stderrData, as: UTF8.self) } }
    public var stdoutLines: [String] { String(decoding: stdout, as: UTF8.self).split(separator: "\n").map(String.init) }

    /// Writes all of `data` to the child's stdin (blocking while the pipe is full).
    public func write(_ data: Data) {
        guard inputFD >= 0 else { return }
        _ = data.withUnsafeBytes { WriteAll.write($0, to: inputFD) }
    }

    public func write(_ text: String) { write(Data(text.utf8)) }

    /// Writes `data` one byte per write(2).
    public func writeBytewise(_ data: Data) {
        for byte in data { write(Data([byte])) }
    }

    /// Bytes written to stdin that the child has not read yet.
    public var unreadInputBytes: Int32 {
        var count: Int32 = 0
        return inputFD >= 0 && ioctl(inputFD, UInt(FIONREAD), &count) == 0 ? count : -1
    }

    public func signal(_ number: Int32) { kill(pid, number) }

    /// Signals the child's whole process group, as a terminal does on
    /// Ctrl-C; only for a child started with `newProcessGroup` (else the
    /// group would be the test runner's own, and nothing is sent).
    public func signalGroup(_ number: Int32) {
        guard getpgid(pid) == pid else { return }
        kill(-pid, number)
    }

    public func closeInput() {
        if inputFD >= 0 { close(inputFD) }
        inputFD = -1
    }

    /// Waits until `condition` holds for the output seen so far (woken by
    /// every read); false if it still does not after `limit` seconds.
    @discardableResult
    public func waitForOutput(upTo limit: TimeInterval = 60, _ condition: (_ stdout: Data, _ stderr: String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        return state.withLock {
            while !condition(stdoutData, String(decoding: stderrData, as: UTF8.self)) {
                if openStreams == 0 || !state.wait(until: deadline) {
                    return condition(stdoutData, String(decoding: stderrData, as: UTF8.self))
                }
            }
            return true
        }
    }

    /// Waits until `condition` holds for the running stage (checked every 10 ms).
    @discardableResult
    public func wait(upTo limit: TimeInterval = 60, _ condition: (LiveStage) -> Bool) -> Bool {
        Polling.until(upTo: limit) { condition(self) }
    }

    /// Waits until stdout holds at least `count` complete lines.
    @discardableResult
    public func waitForLines(_ count: Int, upTo limit: TimeInterval = 60) -> Bool {
        waitForOutput(upTo: limit) { stdout, _ in stdout.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } >= count }
    }

    /// Waits for the exit (stdin left as it is) and for all output. Returns the
    /// exit status, or 128 + signal; kills the child and returns nil after `limit`.
    public func waitForExit(upTo limit: TimeInterval = 120) -> Int32? {
        let reaped = Polling.until(upTo: limit) { [self] in
            if exitStatus != nil { return true }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return false }
            let signal = status & 0x7F
            exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
            return true
        }
        guard reaped, let exitStatus else {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return nil
        }
        _ = state.withLock { () -> Bool in
            while openStreams > 0 { if !state.wait(until: Date().addingTimeInterval(limit)) { return false } }
            return true
        }
        return exitStatus
    }

    /// Closes stdin and waits for the exit: the exit status (nil: hung, killed).
    public func finish() -> Int32? {
        closeInput()
        return waitForExit()
    }

    /// The child's peak resident set size (VmHWM) in KiB, while it runs.
    public var peakResidentKiB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    /// Paths the child has open (from /proc/<pid>/fd).
    public var openPaths: [String] {
        let folder = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return entries.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\($0)") }
    }

    deinit {
        closeInput()
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}
