import WearCore

/// A post template (`--template FILE`): text with named placeholders,
/// `{pseudonym}`, and `{{` / `}}` for literal braces. Parsed once, at load
/// time, for one kind of post; a name that kind does not know, an unclosed
/// `{` or a lone `}` is a `ConfigError` with its file, line and column
/// (1-based; columns count bytes, as in rules files).
///
/// The placeholders are the whole vocabulary: there is none for a device
/// id, seq, raw value, exact time, address or firmware, so no template can
/// put one in a post.
public struct PostTemplate: Sendable, Equatable {
    /// Which post a template writes.
    public enum Kind: String, Sendable {
        case incident, digest

        /// The placeholders this kind fills, in documentation order.
        public var placeholders: [Placeholder] {
            switch self {
            case .incident: [.pseudonym, .category, .severity, .status, .hour, .count, .why]
            case .digest: [.count, .breakdown, .window, .hour]
            }
        }
    }

    /// Every placeholder a template may name.
    public enum Placeholder: String, Sendable, CaseIterable {
        case pseudonym, category, severity, status, hour, count, why, breakdown, window
    }

    /// Literal text or a placeholder, in order.
    enum Segment: Sendable, Equatable {
        case text(String)
        case placeholder(Placeholder)
    }

    public let kind: Kind
    let segments: [Segment]

    /// Templates larger than this are refused (a post is at most 280).
    public static let maxBytes = 16 * 1024

    /// Parses `bytes` (a template file's contents; `file` names it in errors).
    public static func parse(_ bytes: [UInt8], file: String, kind: Kind) throws(ConfigError) -> PostTemplate {
        var parser = PostTemplateParser(bytes: bytes, file: file, kind: kind)
        return PostTemplate(kind: kind, segments: try parser.parse())
    }

    /// Reads and parses a template file (66 when missing, 78 when invalid).
    public init(contentsOf path: String, kind: Kind) throws {
        let bytes = try ConfigFile.read(path, maxBytes: Self.maxBytes, what: "template")
        self = try Self.parse(bytes, file: path, kind: kind)
    }

    init(kind: Kind, segments: [Segment]) {
        self.kind = kind
        self.segments = segments
    }

    /// The placeholders this template uses, in order of first use.
    public var placeholders: [Placeholder] {
        var seen: [Placeholder] = []
        for case .placeholder(let p) in segments where !seen.contains(p) { seen.append(p) }
        return seen
    }
}

/// The template scanner: bytes in, segments or the first error out.
struct PostTemplateParser {
    let bytes: [UInt8]
    let file: String
    let kind: PostTemplate.Kind
    private var index = 0
    private var line = 1
    private var lineStart = 0

    init(bytes: [UInt8], file: String, kind: PostTemplate.Kind) {
        self.bytes = bytes
        self.file = file
        self.kind = kind
    }

    mutating func parse() throws(ConfigError) -> [PostTemplate.Segment] {
        try checkUTF8()
        guard bytes.contains(where: { !isSpace($0) }) else { throw error(at: 0, line: 1, lineStart: 0, "the template is empty") }
        var segments: [PostTemplate.Segment] = []
        var text: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : nil
            switch byte {
            case UInt8(ascii: "{") where next == UInt8(ascii: "{"), UInt8(ascii: "}") where next == UInt8(ascii: "}"):
                text.append(byte)
                index += 2
            case UInt8(ascii: "{"):
                let placeholder = try placeholder()
                if !text.isEmpty { segments.append(.text(String(decoding: text, as: UTF8.self))) }
                text.removeAll()
                segments.append(.placeholder(placeholder))
            case UInt8(ascii: "}"):
                throw error(at: index, "unmatched \"}\" (write \"}}\" for a literal brace)")
            default:
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    lineStart = index + 1
                }
                text.append(byte)
                index += 1
            }
        }
        if !text.isEmpty { segments.append(.text(String(decoding: text, as: UTF8.self))) }
        return segments
    }

    /// `{name}` at `index`, which it moves past the `}`.
    private mutating func placeholder() throws(ConfigError) -> PostTemplate.Placeholder {
        let open = index
        var end = open + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "}") {
            if bytes[end] == UInt8(ascii: "{") || bytes[end] == UInt8(ascii: "\n") { break }
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "}") else {
            throw error(at: open, "unclosed \"{\" (write \"{{\" for a literal brace)")
        }
        let name = String(decoding: bytes[(open + 1)..<end], as: UTF8.self)
        guard !name.isEmpty else { throw error(at: open, "empty placeholder \"{}\"") }
        guard let placeholder = PostTemplate.Placeholder(rawValue: name) else {
            throw error(at: open, "unknown placeholder \"\(name)\" (\(knownList))")
        }
        guard kind.placeholders.contains(placeholder) else {
            let other: PostTemplate.Kind = kind == .incident ? .digest : .incident
            throw error(at: open, "placeholder \"\(name)\" is for \(other.rawValue) posts, not \(kind.rawValue) posts (\(knownList))")
        }
        index = end + 1
        return placeholder
    }

    private var knownList: String {
        "\(kind.rawValue) posts know " + kind.placeholders.map { "{\($0.rawValue)}" }.joined(separator: " ")
    }

    private func checkUTF8() throws(ConfigError) {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0, line = 1, lineStart = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" {
                    line += 1
                    lineStart = offset + 1
                }
                offset += UTF8.width(scalar)
            case .emptyInput:
                return
            case .error:
                throw error(at: offset, line: line, lineStart: lineStart, "not UTF-8")
            }
        }
    }

    private func error(at offset: Int, _ message: String) -> ConfigError {
        error(at: offset, line: line, lineStart: lineStart, message)
    }

    private func error(at offset: Int, line: Int, lineStart: Int, _ message: String) -> ConfigError {
        ConfigError(file: file, line: line, column: offset - lineStart + 1, message: message)
    }

    private func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
