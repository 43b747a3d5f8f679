import Glibc

/// Read-only access to a small-file tree such as /sys/devices/system: the
/// text of a file and the names in a directory. Tests point it at a
/// temporary directory laid out like sysfs.
struct SysfsTree {
    let root: String

    /// Files larger than this are not sysfs attributes: ignored.
    static let maxFileBytes = 64 * 1024

    /// The file's text, or nil when it is missing, unreadable, too large or not UTF-8.
    func text(_ relative: String) -> String? {
        let fd = open(root + "/" + relative, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes += chunk.prefix(count)
            guard bytes.count <= Self.maxFileBytes else { return nil }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The names in a directory (without `.` and `..`), or [] when it cannot be read.
    func entries(_ relative: String) -> [String] {
        guard let directory = opendir(root + "/" + relative) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
