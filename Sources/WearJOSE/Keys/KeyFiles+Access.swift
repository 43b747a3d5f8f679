import Glibc
import WearCore

extension KeyFiles {
    /// Reads a whole key file after checking, on the open descriptor, that
    /// it is a regular file that only its owner (the current user or root)
    /// can read and write.
    public static func readKeyFile(path: String, allowInsecure: Bool) throws(StageFailure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw StageFailure(status: .noInput, message: "cannot read key file \(path): \(reason)")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw StageFailure(status: .noInput, message: "cannot read key file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw StageFailure(status: .config, message: "key file \(path) is not a regular file")
        }
        if !allowInsecure, let problem = accessProblem(mode: info.st_mode, owner: info.st_uid) {
            throw StageFailure(status: .config,
                               message: "refusing key file \(path): \(problem); chmod 600 it or pass --allow-insecure-key-file")
        }
        guard info.st_size <= maxFileBytes else {
            throw StageFailure(status: .config, message: "key file \(path) is larger than \(maxFileBytes >> 20) MiB")
        }
        return try readAll(fd: fd, path: path, sizeHint: Int(info.st_size))
    }

    /// What is wrong with a key file's permissions, as ssh would say it; nil when fine.
    public static func accessProblem(mode: mode_t, owner: uid_t, currentUser: uid_t = getuid()) -> String? {
        let octal = "0" + String(mode & 0o7777, radix: 8)
        let others = (read: mode & 0o004 != 0, write: mode & 0o002 != 0)
        let group = (read: mode & 0o040 != 0, write: mode & 0o020 != 0)
        func access(_ bits: (read: Bool, write: Bool)) -> String {
            bits.read && bits.write ? "readable and writable" : bits.read ? "readable" : "writable"
        }
        if others.read || others.write {
            return "\(access(others)) by others (mode \(octal))"
        }
        if group.read || group.write {
            return "\(access(group)) by group (mode \(octal))"
        }
        if owner != currentUser && owner != 0 {
            return "owned by uid \(owner), not by the user running this program (uid \(currentUser)) or root"
        }
        return nil
    }

    private static func readAll(fd: Int32, path: String, sizeHint: Int) throws(StageFailure) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sizeHint + 1)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StageFailure(status: .ioError, message: "reading key file \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= maxFileBytes else {
                throw StageFailure(status: .config, message: "key file \(path) is larger than \(maxFileBytes >> 20) MiB")
            }
        }
        // Scrub the bounce buffer: it held key material.
        for index in chunk.indices { chunk[index] = 0 }
        return bytes
    }

    /// Writes `bytes` as a key file of mode 0600 (`DurableFile`: fsynced,
    /// replaced atomically, never readable by others). Without `overwrite`
    /// an existing file is refused.
    public static func writePrivate(_ bytes: [UInt8], to path: String, overwrite: Bool) throws(StageFailure) {
        try DurableFile(path: path, mode: DurableFile.privateMode, overwrite: overwrite).write(bytes)
    }
}
