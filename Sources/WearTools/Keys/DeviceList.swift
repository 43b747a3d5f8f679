import Glibc
import WearCore

/// A list of device ids, one per line (`#` comments and blank lines
/// ignored), as `wear keys export --devices FILE` reads it.
public enum DeviceList {
    public static func load(path: String) throws(StageFailure) -> [String] {
        guard let file = fopen(path, "r") else {
            throw StageFailure(status: .noInput, message: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        // fopen opens a directory; reading it fails (EISDIR), which is not an empty list.
        if ferror(file) != 0 {
            throw StageFailure(status: .noInput, message: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let devices = try parse(String(decoding: bytes, as: UTF8.self), source: path)
        guard !devices.isEmpty else {
            throw StageFailure(status: .usage, message: "\(path) lists no device ids (one per line, # comments)")
        }
        return devices
    }

    /// What is wrong with a device id, or nil: 1 to 256 bytes, no spaces or control characters.
    public static func problem(with id: String) -> String? {
        guard !id.isEmpty, id.utf8.count <= 256, id.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            return "a device id must be 1 to 256 bytes without spaces or control characters"
        }
        return nil
    }

    /// Parses the text of a device list; errors carry file:line:col.
    public static func parse(_ text: String, source: String) throws(StageFailure) -> [String] {
        var devices: [String] = []
        var seen: [String: Int] = [:]
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let id = content.trimmingWhitespace
            guard !id.isEmpty else { continue }
            func invalid(_ message: String) -> StageFailure {
                ConfigError(file: source, line: number, column: 1, message: message).failure
            }
            if let problem = problem(with: id) { throw invalid(problem) }
            if let first = seen[id] {
                throw invalid("device \"\(id)\" is listed twice (first on line \(first))")
            }
            seen[id] = number
            devices.append(id)
        }
        return devices
    }
}

extension Substring {
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
