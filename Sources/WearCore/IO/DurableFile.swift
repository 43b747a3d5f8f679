import Glibc
import Synchronization

/// Replaces a whole file so that a crash at any moment leaves either the
/// old content or the new, never a mix and never an empty file: the bytes
/// go to a new, uniquely named temporary file in the same directory
/// (O_EXCL; named by pid, a process-wide counter and random bits, so
/// threads and processes never share one), which is fsynced, renamed over
/// the target, and the directory fsynced so the rename itself survives.
///
/// The temporary file is created with `mode` (0600 for private files: key
/// files, state, rejects), so its content is never readable by others, not
/// even for a moment; the umask can only narrow it. With
/// `overwrite: false` an existing file is refused, atomically (link(2)
/// fails on an existing name). On any error the temporary file is removed
/// and the error says which path and why. Metrics, key files, labels —
/// and next wear-score's state and wear-alert's outbox — all write this way.
public struct DurableFile: Sendable {
    public let path: String
    public let mode: mode_t
    public let overwrite: Bool

    /// Private files (keys, state, outbox entries): owner read and write only.
    public static let privateMode: mode_t = 0o600
    /// Files meant to be read by others (metrics for node_exporter, labels).
    public static let sharedMode: mode_t = 0o644

    public init(path: String, mode: mode_t, overwrite: Bool = true) {
        self.path = path
        self.mode = mode
        self.overwrite = overwrite
    }

    /// Writes `bytes` as the file's whole content.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(StageFailure) {
        try replace { fd in WriteAll.write(bytes, to: fd).error }
    }

    /// Writes `chunks`, one after another, as the file's whole content
    /// (large content built in parts is never joined in memory first).
    public func write(chunks: [[UInt8]]) throws(StageFailure) {
        try replace { fd in
            for chunk in chunks {
                let failure = chunk.withUnsafeBytes { WriteAll.write($0, to: fd).error }
                if failure != 0 { return failure }
            }
            return 0
        }
    }

    public func write(_ bytes: [UInt8]) throws(StageFailure) { try write(chunks: [bytes]) }

    /// The temporary file, `fill` writing it (returning 0 or an errno), fsync, rename, directory fsync.
    private func replace(_ fill: (Int32) -> Int32) throws(StageFailure) {
        if !overwrite, access(path, F_OK) == 0 { throw refusal() }
        let (fd, temporary) = try createTemporary()
        var failure = fill(fd)
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure == 0 { failure = publish(temporary) }
        if failure != 0 {
            unlink(temporary)
            if failure == EEXIST, !overwrite { throw refusal() }
            throw Self.failure(path, failure)
        }
        let synced = syncDirectory()
        guard synced == 0 else { throw Self.failure(path, synced) }
    }

    /// Fails now, saying why, where a later `write` would fail for want of
    /// its directory: it must exist and be writable, and `path` must not be
    /// a directory. For stages that save state much later (at exit).
    public func checkWritable() throws(StageFailure) {
        let directory = Self.split(path).directory
        var info = stat()
        guard stat(directory, &info) == 0 else { throw Self.failure(path, errno) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw Self.failure(path, ENOTDIR) }
        guard access(directory, W_OK | X_OK) == 0 else { throw Self.failure(path, errno) }
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { throw Self.failure(path, EISDIR) }
    }

    /// Creates the temporary sibling with `mode`; its descriptor and path.
    func createTemporary() throws(StageFailure) -> (Int32, String) {
        let (directory, name) = Self.split(path)
        for _ in 0..<16 {
            let serial = Self.serial.add(1, ordering: .relaxed).newValue
            let nonce = String(UInt32.random(in: .min ... .max), radix: 16)
            let temporary = "\(directory)/.\(name).tmp.\(getpid()).\(serial).\(nonce)"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if fd >= 0 { return (fd, temporary) }
            if errno != EEXIST { throw Self.failure(path, errno) }
        }
        throw Self.failure(path, EEXIST)
    }

    /// Moves the temporary file to `path`: rename(2), or without
    /// `overwrite` link(2) (which refuses an existing name) and unlink.
    private func publish(_ temporary: String) -> Int32 {
        if overwrite { return rename(temporary, path) == 0 ? 0 : errno }
        guard link(temporary, path) == 0 else { return errno }
        unlink(temporary)
        return 0
    }

    /// fsync(2) on the directory, so the new name is on disk too.
    private func syncDirectory() -> Int32 {
        let fd = open(Self.split(path).directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        // Some file systems cannot sync a directory (EINVAL): nothing to wait for there.
        return fsync(fd) == 0 || errno == EINVAL ? 0 : errno
    }

    private func refusal() -> StageFailure {
        StageFailure(status: .ioError, message: "refusing to overwrite \(path): the file exists")
    }

    static func failure(_ path: String, _ code: Int32) -> StageFailure {
        StageFailure(status: .ioError, message: "cannot write \(path): \(String(cString: strerror(code)))")
    }

    /// The directory and the file name of `path` (`.` for a bare name).
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    private static let serial = Atomic<Int>(0)
}
