import Glibc
import WearCore

/// Reads an NDJSON file line by line (blank lines skipped, `\r\n` accepted),
/// in 1 MiB blocks; `-` is standard input.
public enum NDJSONFile {
    public static func forEachLine(path: String, _ body: ([UInt8]) throws(StageFailure) -> Void) throws(StageFailure) {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw StageFailure(status: .noInput, message: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var pending: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StageFailure(status: .ioError, message: "reading \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            var start = 0
            for index in 0..<count where block[index] == UInt8(ascii: "\n") {
                pending.append(contentsOf: block[start..<index])
                try emit(&pending, body)
                start = index + 1
            }
            pending.append(contentsOf: block[start..<count])
        }
        try emit(&pending, body)
    }

    private static func emit(_ line: inout [UInt8], _ body: ([UInt8]) throws(StageFailure) -> Void) throws(StageFailure) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
        try body(line)
    }
}
