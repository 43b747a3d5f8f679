import WearCore

/// A rule test file (`wear-filter --test`), as operators know them from
/// `promtool test rules`: rules, then cases of records in order, each with
/// what must happen to it. Format (docs/wear-filter.md):
///
///     rules ../rules/default.rules          # a rules file, relative to this file (repeatable)
///     rule  drop flood bucket(dev, 5/s, 2)  # or a rule written inline
///     case  replayed seq is tagged          # a case: starts with empty state
///     {"dev":"a","seq":1,"rx":1000} -> pass
///     {"dev":"a","seq":1,"rx":2000} -> tag replay
///     not json -> reject bad_json
public struct RuleTestFile: Sendable {
    /// What must happen to one record.
    public enum Expectation: Equatable, Sendable, CustomStringConvertible {
        /// Kept, nothing added.
        case pass
        /// Kept, exactly these tags added, in this order.
        case tag([String])
        /// Rejected by this rule (a drop that matched or a keep that did not).
        case drop(String)
        /// Rejected for another reason (the runtime's, `bad_flags`).
        case reject(String)

        public var description: String {
            switch self {
            case .pass: "pass"
            case .tag(let names): "tag " + names.joined(separator: " ")
            case .drop(let name): "drop " + name
            case .reject(let reason): "reject " + reason
            }
        }
    }

    public struct Step: Sendable {
        public let record: [UInt8]
        public let expected: Expectation
        public let line: Int
    }

    public struct Case: Sendable {
        public let name: String
        public let line: Int
        public var steps: [Step] = []
    }

    public let file: String
    public let rules: [Rule]
    public let cases: [Case]

    /// The largest test file.
    public static let maxBytes = 16 << 20

    /// Reads and parses a test file and the rules files it names.
    public init(contentsOf path: String) throws {
        let text = try ConfigFile.read(path, maxBytes: Self.maxBytes, what: "rule test file")
        try self.init(text, file: path) { rulesPath in
            try ConfigFile.read(rulesPath, maxBytes: RuleFileParser.maxBytes, what: "rules file")
        }
    }

    /// Parses `text`; `read` loads a rules file named by a `rules` line
    /// (its path already made relative to the test file's folder).
    public init(_ text: [UInt8], file: String, read: (String) throws -> [UInt8]) throws {
        self.file = file
        var reader = RuleTestReader(file: file)
        for (index, line) in RuleFileParser.lines(text).enumerated() {
            try reader.take(line, number: index + 1, read: read)
        }
        rules = try reader.finishRules()
        cases = reader.cases
        guard !cases.isEmpty else {
            throw ConfigError(file: file, line: max(1, RuleFileParser.lines(text).count), column: 1,
                              message: "expected at least one 'case NAME' with records, found none")
        }
    }
}
