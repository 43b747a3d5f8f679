import Glibc
import Logging
import WearCore

/// The outbox's directory operations: create, list, fsync, move aside.
enum OutboxDirectory {
    /// mkdir(2) with mode 0700 when missing; an existing path must be a
    /// directory. Returns its permission bits.
    @discardableResult
    static func create(_ directory: String) throws(StageFailure) -> mode_t {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw StageFailure(status: .ioError, message: "cannot create outbox directory \(directory): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw StageFailure(status: .ioError, message: "cannot open outbox directory \(directory): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw StageFailure(status: .ioError, message: "outbox \(directory) is not a directory")
        }
        return info.st_mode & 0o777
    }

    /// The names in `directory` (not `.` and `..`), sorted bytewise.
    static func names(in directory: String) throws(StageFailure) -> [String] {
        guard let handle = opendir(directory) else {
            throw StageFailure(status: .ioError, message: "cannot list outbox directory \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// fsync(2) of the directory, so a rename or an unlink is on disk.
    static func sync(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Moves `name` to `corrupt/` (created 0700; `.1`, `.2`… when the name
    /// is taken there) and logs an error saying why and where it went.
    static func moveAside(_ name: String, in directory: String, reason: String, logger: Logger) {
        let corrupt = directory + "/" + Outbox.corruptDirectory
        if mkdir(corrupt, 0o700) != 0, errno != EEXIST {
            logger.error("outbox entry \(directory)/\(name) is corrupt (\(reason)) and cannot be moved aside: cannot create \(corrupt): \(String(cString: strerror(errno))); skipping it")
            return
        }
        var target = corrupt + "/" + name
        var suffix = 0
        while access(target, F_OK) == 0 {
            suffix += 1
            target = corrupt + "/" + name + ".\(suffix)"
        }
        guard rename(directory + "/" + name, target) == 0 else {
            logger.error("outbox entry \(directory)/\(name) is corrupt (\(reason)) and cannot be moved to \(target): \(String(cString: strerror(errno))); skipping it")
            return
        }
        sync(corrupt)
        sync(directory)
        logger.error("moved corrupt outbox entry to \(target): \(reason); it will not be sent (inspect it, fix it and move it back, or delete it)")
    }
}
