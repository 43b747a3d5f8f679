import Glibc

/// Writes metrics to a file atomically, as node_exporter's textfile collector
/// expects: a temporary file in the same directory, then rename(2).
public struct MetricsFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public func write(_ families: [MetricFamily]) throws(StageFailure) {
        let text = PrometheusText.render(families)
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o644)
    }
}

/// Atomic whole-file replacement: write a temporary sibling, fsync, rename.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t, sync: Bool = false) throws(StageFailure) {
        let temporary = "\(path).tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw StageFailure(status: .ioError, message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        var offset = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0, sync, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw StageFailure(status: .ioError, message: "cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }
}
