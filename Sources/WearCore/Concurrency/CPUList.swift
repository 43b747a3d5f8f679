/// The kernel's CPU list format (`0-3,8-11,16`), as in
/// /sys/devices/system/node/node0/cpulist and /sys/devices/system/cpu/online.
public enum CPUList {
    /// The CPUs in `text`, sorted, without duplicates; nil when `text` is not
    /// a CPU list (an empty list, only whitespace, is valid and empty).
    /// Accepts the kernel's stride form `0-15:2/4` too (used/group sizes)
    /// as "every 4th group of 2".
    public static func parse(_ text: some StringProtocol) -> [Int]? {
        var cpus = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let token = item.trimmingWhitespace
            if token.isEmpty {
                // "" or "\n" alone is the empty list; an empty item between commas is not.
                if text.split(separator: ",", omittingEmptySubsequences: false).count == 1 { continue }
                return nil
            }
            guard let range = parseRange(token) else { return nil }
            cpus.formUnion(range)
        }
        return cpus.sorted()
    }

    /// `[0, 1, 2, 3, 8]` as `0-3,8`.
    public static func format(_ cpus: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        let sorted = Array(Set(cpus)).sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// The largest CPU number accepted (CPU_SETSIZE on Linux).
    public static let limit = 1024

    private static func parseRange(_ token: Substring) -> [Int]? {
        var body = token
        var used = 1, group = 1
        if let colon = token.firstIndex(of: ":") {
            body = token[..<colon]
            let stride = token[token.index(after: colon)...].split(separator: "/", omittingEmptySubsequences: false)
            guard stride.count == 2, let u = number(stride[0]), let g = number(stride[1]), u >= 1, g >= u else { return nil }
            used = u; group = g
        }
        let bounds = body.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(bounds.count), let low = number(bounds[0]),
              let high = bounds.count == 2 ? number(bounds[1]) : low, low <= high, high < limit
        else { return nil }
        return (low...high).filter { ($0 - low) % group < used }
    }

    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return Substring()
        }
        return Substring(self[first...last])
    }
}
