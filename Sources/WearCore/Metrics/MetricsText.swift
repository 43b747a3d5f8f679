/// One sample of a Prometheus text-format file: `name{label="value",...} 12.5`.
public struct MetricSample: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]
    public var value: Double

    public init(name: String, labels: [String: String] = [:], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    public subscript(label: String) -> String? { labels[label] }

    /// The series as the text format writes it: `name{a="x",b="y"}`, labels
    /// sorted by name (values unescaped), or the bare name without labels.
    public var series: String {
        guard !labels.isEmpty else { return name }
        return name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }
}

/// Reads the Prometheus text exposition format (0.0.4) that the stages'
/// `--metrics-file` writes (`PrometheusText` beside it): sample lines, with
/// `# HELP`/`# TYPE` comments and blank lines skipped. Written here because
/// no package we keep parses it (swift-prometheus only writes it); it reads
/// what node_exporter's textfile collector accepts: escaped label values
/// (`\\`, `\"`, `\n`), `NaN`, `+Inf`, `-Inf`, an optional timestamp.
/// `wear dashboard` reads the stages' files with it, and so do the tests.
public enum MetricsText {
    /// The samples of `text`, and how many lines were not samples it could read.
    public static func parse(_ text: String) -> (samples: [MetricSample], malformed: Int) {
        var samples: [MetricSample] = []
        var malformed = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if let sample = parseSample(Array(trimmed.utf8)) { samples.append(sample) } else { malformed += 1 }
        }
        return (samples, malformed)
    }

    /// The value of every sample of `text` by `MetricSample.series`.
    public static func values(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for sample in parse(text).samples { values[sample.series] = sample.value }
        return values
    }

    /// One sample line, or nil when it is not one.
    public static func parseSample(_ bytes: [UInt8]) -> MetricSample? {
        var index = 0
        func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F || byte == 0x3A
                || (!first && byte >= 0x30 && byte <= 0x39)
        }
        func name() -> String? {
            let start = index
            while index < bytes.count, isNameByte(bytes[index], first: index == start) { index += 1 }
            return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }
        func skipSpaces() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 } }
        guard let metric = name() else { return nil }
        var labels: [String: String] = [:]
        skipSpaces()
        if index < bytes.count, bytes[index] == 0x7B { // {
            index += 1
            while true {
                skipSpaces()
                if index < bytes.count, bytes[index] == 0x7D { index += 1; break } // }
                guard let label = name() else { return nil }
                skipSpaces()
                guard index < bytes.count, bytes[index] == 0x3D else { return nil } // =
                index += 1
                skipSpaces()
                guard index < bytes.count, bytes[index] == 0x22 else { return nil } // "
                index += 1
                var value: [UInt8] = []
                var closed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    if byte == 0x22 { closed = true; break }
                    if byte == 0x5C { // backslash
                        guard index < bytes.count else { return nil }
                        let escaped = bytes[index]
                        index += 1
                        switch escaped {
                        case 0x6E: value.append(0x0A)
                        case 0x5C, 0x22: value.append(escaped)
                        default: value += [0x5C, escaped]
                        }
                    } else {
                        value.append(byte)
                    }
                }
                guard closed else { return nil }
                labels[label] = String(decoding: value, as: UTF8.self)
                skipSpaces()
                if index < bytes.count, bytes[index] == 0x2C { index += 1; continue } // ,
                guard index < bytes.count, bytes[index] == 0x7D else { return nil }
                index += 1
                break
            }
        }
        skipSpaces()
        let start = index
        while index < bytes.count, bytes[index] != 0x20, bytes[index] != 0x09 { index += 1 }
        guard index > start, let value = number(String(decoding: bytes[start..<index], as: UTF8.self)) else { return nil }
        skipSpaces()
        if index < bytes.count { // an optional timestamp (ms), nothing after it
            let rest = String(decoding: bytes[index...], as: UTF8.self).trimmingSuffixSpaces
            guard Int64(rest) != nil else { return nil }
        }
        return MetricSample(name: metric, labels: labels, value: value)
    }

    public static func number(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }
}

extension String {
    fileprivate var trimmingSuffixSpaces: String {
        var copy = self
        while copy.last == " " || copy.last == "\t" || copy.last == "\r" { copy.removeLast() }
        return copy
    }
}
