import WearCore

/// Reads a rule test file line by line (`RuleTestFile`).
struct RuleTestReader {
    let file: String
    private var inline: RuleFileParser
    private var included: [Rule] = []
    private(set) var cases: [RuleTestFile.Case] = []

    init(file: String) {
        self.file = file
        inline = RuleFileParser(file: file)
    }

    mutating func take(_ line: ArraySlice<UInt8>, number: Int, read: (String) throws -> [UInt8]) throws {
        guard let first = line.firstIndex(where: { !RuleFileParser.isSpace($0) }), line[first] != UInt8(ascii: "#") else { return }
        let text = Array(line[first...])
        if let rest = Self.after("rules", in: text) {
            try needNoCase(number, "rules")
            let path = Self.resolve(Self.trimmed(rest).split(separator: " ", maxSplits: 1).first.map(String.init) ?? "", near: file)
            guard !path.isEmpty else { throw error(number, "expected a rules file after 'rules'") }
            included += try RuleFileParser.parse(try read(path), file: path)
        } else if let rest = Self.after("rule", in: text) {
            try needNoCase(number, "rule")
            let column = first - line.startIndex + text.count - rest.count + 1
            try inline.add(rule: Array(rest), line: number, column: column)
        } else if let rest = Self.after("case", in: text) {
            let name = Self.trimmed(rest)
            guard !name.isEmpty else { throw error(number, "expected a case name after 'case'") }
            cases.append(RuleTestFile.Case(name: name, line: number))
        } else {
            try step(text, number: number)
        }
    }

    /// `RECORD -> EXPECTED`, split at the last " -> ".
    private mutating func step(_ text: [UInt8], number: Int) throws {
        guard !cases.isEmpty else {
            throw error(number, "expected 'rules', 'rule' or 'case NAME' before the first record")
        }
        let arrow = Array(" -> ".utf8)
        guard let split = Self.lastRange(of: arrow, in: text) else {
            throw error(number, "expected 'RECORD -> pass|tag NAME...|drop NAME|reject REASON', found no ' -> '")
        }
        var record = Array(text[..<split])
        while let last = record.last, RuleFileParser.isSpace(last) { record.removeLast() }
        let words = Self.trimmed(text[(split + arrow.count)...]).split(separator: " ").map(String.init)
        let expected: RuleTestFile.Expectation
        switch (words.first, words.count) {
        case ("pass", 1): expected = .pass
        case ("tag", 2...): expected = .tag(Array(words.dropFirst()))
        case ("drop", 2): expected = .drop(words[1])
        case ("reject", 2): expected = .reject(words[1])
        default:
            throw error(number, "expected 'pass', 'tag NAME...', 'drop NAME' or 'reject REASON' after ' -> ', found '\(words.joined(separator: " "))'")
        }
        cases[cases.count - 1].steps.append(RuleTestFile.Step(record: record, expected: expected, line: number))
    }

    /// All rules: the included files', then the inline ones; names unique over both.
    func finishRules() throws -> [Rule] {
        let all = included + inline.parsedRules
        var seen: [String: Rule] = [:]
        for rule in all {
            if let earlier = seen[rule.name] {
                throw ConfigError(file: rule.file, line: rule.position.line, column: rule.position.column,
                                  message: "rule name '\(rule.name)' is already used at \(earlier.file):\(earlier.position.line): names must be unique")
            }
            seen[rule.name] = rule
        }
        return all
    }

    private func needNoCase(_ number: Int, _ what: String) throws {
        guard cases.isEmpty else { throw error(number, "'\(what)' lines must come before the first 'case'") }
    }

    private func error(_ line: Int, _ message: String) -> ConfigError {
        ConfigError(file: file, line: line, column: 1, message: message)
    }

    /// The bytes after `keyword` and a space, when `text` starts with them.
    static func after(_ keyword: String, in text: [UInt8]) -> ArraySlice<UInt8>? {
        let word = Array(keyword.utf8)
        guard text.count > word.count, text.starts(with: word), RuleFileParser.isSpace(text[word.count]) else { return nil }
        return text[(word.count + 1)...]
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }

    static func lastRange(of needle: [UInt8], in text: [UInt8]) -> Int? {
        guard text.count >= needle.count else { return nil }
        for start in stride(from: text.count - needle.count, through: 0, by: -1) where text[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    /// A path relative to the folder of `file` (absolute paths unchanged).
    static func resolve(_ path: String, near file: String) -> String {
        guard !path.isEmpty, !path.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }
}
