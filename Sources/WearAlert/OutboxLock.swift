import Glibc
import WearCore

/// The outbox's single-process lock: flock(LOCK_EX | LOCK_NB) on
/// `DIR/.lock`, which holds the owner's pid (for the refusal's message).
/// The kernel drops the lock when the process dies, kill -9 included, so a
/// stale file never blocks a restart. Released when this value is.
final class OutboxLock: Sendable {
    static let fileName = ".lock"
    let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Takes the lock, or refuses (74) naming the holder's pid when known.
    static func acquire(directory: String) throws(StageFailure) -> OutboxLock {
        let path = directory + "/" + fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StageFailure(status: .ioError, message: "cannot open outbox lock \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            // The pid the holder wrote, if that process still lives (flock(1) writes none).
            let holder = readPID(fd).flatMap { kill($0, 0) == 0 || errno == EPERM ? " (pid \($0))" : nil } ?? ""
            close(fd)
            if code == EWOULDBLOCK {
                throw StageFailure(status: .ioError, message: "outbox \(directory) is in use by another wear-alert\(holder): its lock \(path) is held; stop that process or pass another --outbox")
            }
            throw StageFailure(status: .ioError, message: "cannot lock outbox \(path): \(String(cString: strerror(code)))")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return OutboxLock(descriptor: fd)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingSuffix { $0 == "\n" })
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = self
        while let last = text.last, predicate(last) { text.removeLast() }
        return text
    }
}
