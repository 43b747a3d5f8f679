import Foundation
import Glibc
import WearTesting

/// A stage binary running with pipes on stdin, stdout and stderr, for tests
/// that talk to it while it runs (byte-by-byte writes, SIGHUP). Waits are
/// bounded only to turn a hang into a failure, never to measure time.
///
/// Spawned with posix_spawn and an empty signal mask: Foundation's `Process`
/// on Linux starts children with most signals (SIGHUP among them) blocked.
final class LiveProcess: @unchecked Sendable {
    let pid: pid_t
    private let stdinFD: Int32
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()
    private let readers = DispatchGroup()

    /// Starts `name` with `arguments` (give paths absolute: the child keeps this process's directory).
    init(_ name: String, _ arguments: [String]) throws {
        let executable = try Binaries.url(of: name).path
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0], errors: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0, pipe(&errors) == 0 else { throw TestSupportError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        for fd in input + output + errors { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        close(input[0])
        close(output[1])
        close(errors[1])
        guard status == 0 else { throw TestSupportError("posix_spawn \(executable): \(String(cString: strerror(status)))") }
        pid = child
        stdinFD = input[1]
        startReading(output[0], toStderr: false)
        startReading(errors[0], toStderr: true)
    }

    private func startReading(_ fd: Int32, toStderr: Bool) {
        readers.enter()
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                lock.withLock {
                    if toStderr { stderrData.append(contentsOf: buffer[0..<count]) } else { stdoutData.append(contentsOf: buffer[0..<count]) }
                }
            }
            close(fd)
            readers.leave()
        }
    }

    var stdout: Data { lock.withLock { stdoutData } }
    var stderr: String { lock.withLock { String(decoding: stderrData, as: UTF8.self) } }
    var stdoutLines: [String] { String(decoding: stdout, as: UTF8.self).split(separator: "\n").map(String.init) }

    func write(_ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(stdinFD, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 { if errno == EINTR { continue } else { return } }
                offset += written
            }
        }
    }

    /// Writes `data` one byte per write(2).
    func writeBytewise(_ data: Data) {
        for byte in data { write(Data([byte])) }
    }

    func signal(_ number: Int32) {
        kill(pid, number)
    }

    /// Waits until `condition` holds (checked every 10 ms); false after `limit` seconds.
    @discardableResult
    func wait(upTo limit: Double = 60, until condition: (LiveProcess) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while !condition(self) {
            if Date() > deadline { return false }
            usleep(10_000)
        }
        return true
    }

    /// Closes stdin, waits for the exit and for all output; the exit status.
    func finish() -> Int32 {
        close(stdinFD)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        readers.wait()
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
