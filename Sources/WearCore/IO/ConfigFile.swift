import Glibc

/// Reads a whole config file (rules, templates, test files): a regular file
/// of at most `maxBytes`. A missing or unreadable file is `StageFailure`
/// 66, a directory or an oversized file 78, a read error 74; `what` names
/// the file in the message ("rules file").
public enum ConfigFile {
    public static func read(_ path: String, maxBytes: Int, what: String) throws(StageFailure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw StageFailure(status: .noInput, message: "cannot read \(what) \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw StageFailure(status: .noInput, message: "cannot read \(what) \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG || info.st_mode & S_IFMT == S_IFIFO || info.st_mode & S_IFMT == S_IFCHR else {
            throw StageFailure(status: .config, message: "\(what) \(path) is not a regular file")
        }
        let tooLarge = StageFailure(status: .config, message: "\(what) \(path) is larger than \(ByteSize(bytes: maxBytes))")
        var bytes: [UInt8] = []
        // A regular file's size is known: one allocation, not a doubling (state files are hundreds of MB).
        if info.st_mode & S_IFMT == S_IFREG { bytes.reserveCapacity(min(Int(info.st_size), maxBytes) + 1) }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StageFailure(status: .ioError, message: "reading \(what) \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return bytes }
            guard bytes.count + count <= maxBytes else { throw tooLarge }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
