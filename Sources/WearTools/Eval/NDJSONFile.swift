import Glibc
import WearCore

/// Reads an NDJSON file line by line with the stages' own framing
/// (`LineFramer`: blank lines skipped, `\r\n` accepted, bounded memory);
/// `-` is standard input.
public enum NDJSONFile {
    /// Calls `body` with each non-blank line. A line longer than
    /// `maxLineBytes` is an error naming the file and line: pipeline outputs
    /// never hold one, so the file is not what it should be.
    public static func forEachLine(path: String, maxLineBytes: Int = 16 << 20,
                                   _ body: ([UInt8]) throws(StageFailure) -> Void) throws(StageFailure) {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw StageFailure(status: .noInput, message: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { if fd != STDIN_FILENO { close(fd) } }
        let framer = LineFramer(maxLineBytes: maxLineBytes, blockSize: 1 << 20)
        func deliver(_ event: LineEvent) throws(StageFailure) {
            switch event {
            case .line(let line):
                try body(Array(line.bytes))
            case .oversized(let number, _):
                throw StageFailure(status: .ioError, message: "\(path):\(number): line longer than \(maxLineBytes) bytes")
            }
        }
        while true {
            let space = framer.writableSpace()
            let count = read(fd, space.baseAddress, space.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw StageFailure(status: .ioError, message: "reading \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            framer.didRead(count)
            while let event = framer.next() { try deliver(event) }
        }
        while let event = framer.finish() { try deliver(event) }
    }
}
