import Glibc

/// The one write loop of the project: writes every byte of a buffer to a
/// file descriptor, whatever write(2) does on the way — short writes are
/// continued, EINTR retried, EAGAIN (a non-blocking descriptor, as systemd
/// hands them out) waited out with poll(2).
public enum WriteAll {
    /// What became of a `write`: the bytes written, and errno of the write
    /// that failed (0 when every byte was written).
    public struct Outcome: Equatable, Sendable {
        public var written: Int
        public var error: Int32

        /// The failure as text (`No space left on device`), nil when none.
        public var message: String? { error == 0 ? nil : String(cString: strerror(error)) }
    }

    /// Writes `bytes` to `fd`, each write(2) at most `chunkBytes` long.
    public static func write(_ bytes: UnsafeRawBufferPointer, to fd: Int32, chunkBytes: Int = Int.max) -> Outcome {
        guard let base = bytes.baseAddress else { return Outcome(written: 0, error: 0) }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, base + offset, min(bytes.count - offset, chunkBytes))
            if written >= 0 {
                offset += written
                continue
            }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN:
                var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&descriptor, 1, -1) < 0, errno != EINTR { return Outcome(written: offset, error: errno) }
            default:
                return Outcome(written: offset, error: code)
            }
        }
        return Outcome(written: offset, error: 0)
    }

    /// Writes an array's bytes to `fd`.
    public static func write(_ bytes: [UInt8], to fd: Int32) -> Outcome {
        bytes.withUnsafeBytes { write($0, to: fd) }
    }

    /// Writes a String's UTF-8 bytes to `fd` (messages on stderr).
    public static func write(_ text: String, to fd: Int32) -> Outcome {
        var text = text
        return text.withUTF8 { write(UnsafeRawBufferPointer($0), to: fd) }
    }
}
