import Glibc
import Logging

/// Where rejects go: every one to `--rejects PATH` as NDJSON when given,
/// and a rate-limited warning on stderr otherwise (the summary at exit has
/// the counts either way).
final class RejectsSink {
    private let writer: FileDescriptorWriter?
    private let path: String?
    private var limiter = WarningLimiter()
    private let logger: Logger

    init(path: String?, logger: Logger) throws(StageFailure) {
        self.path = path
        self.logger = logger
        guard let path else {
            writer = nil
            return
        }
        // Rejects carry original payloads (health data): private by default.
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StageFailure(status: .ioError, message: "cannot open rejects file \(path): \(String(cString: strerror(errno)))")
        }
        writer = FileDescriptorWriter(fd: fd)
    }

    deinit {
        if let writer {
            try? writer.flush()
            close(writer.fd)
        }
    }

    /// Warnings held back by the rate limit.
    var suppressedWarnings: Int { limiter.suppressedTotal }

    func record(_ reject: Reject) throws(StageFailure) {
        if let writer {
            do {
                try writer.appendLine(reject.document().dumpedBytes())
            } catch {
                throw StageFailure(status: .ioError, message: "writing rejects to \(path ?? ""): \(error.message)")
            }
            logger.debug("line \(reject.line): \(reject.reason.code): \(reject.detail)")
            return
        }
        guard let held = limiter.admit(now: .now) else { return }
        let note = held > 0 ? " (\(held) more rejects not shown)" : ""
        logger.warning("line \(reject.line): \(reject.reason.code): \(reject.detail)\(note)")
    }

    func flush() throws(StageFailure) {
        do {
            try writer?.flush()
        } catch {
            throw StageFailure(status: .ioError, message: "writing rejects to \(path ?? ""): \(error.message)")
        }
    }
}
