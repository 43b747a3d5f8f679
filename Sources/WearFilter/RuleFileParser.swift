import WearCore

/// Reads rules text: `ACTION NAME EXPRESSION` per rule, `#` comments, blank
/// lines; a rule continues on the lines after it that start with a space or
/// a tab. Every error is `FILE:LINE:COL: message` at the offending token.
public struct RuleFileParser {
    /// The largest rules file and the most rules in one.
    public static let maxBytes = 1 << 20
    public static let maxRules = 1000
    /// The longest rule name.
    public static let maxNameLength = 64

    let file: String
    private var rules: [Rule] = []
    private var firstLine: [String: Int] = [:]

    public init(file: String) { self.file = file }

    /// The rules of `text`, checked by `ExprChecker` (unknown functions,
    /// arity, types), in file order.
    public static func parse(_ text: [UInt8], file: String) throws(ConfigError) -> [Rule] {
        var parser = RuleFileParser(file: file)
        try parser.add(text, firstLine: 1)
        return parser.rules
    }

    /// Parses `text` as lines starting at `firstLine` of `file` and appends its rules.
    public mutating func add(_ text: [UInt8], firstLine: Int) throws(ConfigError) {
        guard text.count <= Self.maxBytes else {
            throw ConfigError(file: file, line: 1, column: 1, message: "rules file is larger than 1MiB")
        }
        let lines = Self.lines(text)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let number = firstLine + index
            index += 1
            guard let first = line.firstIndex(where: { !Self.isSpace($0) }), line[first] != UInt8(ascii: "#") else { continue }
            guard first == line.startIndex else {
                throw ConfigError(file: file, line: number, column: first - line.startIndex + 1,
                                  message: "expected a rule (ACTION NAME EXPRESSION) at the start of the line, found an indented line that continues no rule")
            }
            var body = Array(line)
            while index < lines.count, let next = lines[index].first, Self.isSpace(next) {
                body.append(UInt8(ascii: "\n"))
                body.append(contentsOf: lines[index])
                index += 1
            }
            try add(rule: body, line: number)
        }
    }

    /// The rules added so far, in order.
    public var parsedRules: [Rule] { rules }

    /// One rule, whose text may span lines (joined with `\n`) and starts at
    /// `column` of `line` (a test file's `rule` lines start mid-line).
    mutating func add(rule text: [UInt8], line: Int, column offset: Int = 1) throws(ConfigError) {
        let shift = offset - 1
        var cursor = 0
        let action = try word(text, &cursor, line: line)
        guard let kind = RuleAction(rawValue: action.text) else {
            throw error(line, action.column + shift, "expected an action (drop, tag or keep), found '\(action.text)'")
        }
        let name = try word(text, &cursor, line: line)
        guard name.column <= text.count, !name.text.isEmpty else {
            throw error(line, name.column + shift, "expected a rule name after '\(action.text)', found the end of the line")
        }
        try checkName(name.text, line: line, column: name.column + shift)
        while cursor < text.count, Self.isSpace(text[cursor]) { cursor += 1 }
        let expressionBytes = Array(text[cursor...])
        guard expressionBytes.contains(where: { !Self.isSpace($0) && $0 != UInt8(ascii: "\n") }) else {
            throw error(line, cursor + offset, "expected an expression after the rule name '\(name.text)', found the end of the line")
        }
        let expr = try ExprParser.parse(expressionBytes, file: file, line: line, column: cursor + offset)
        let type = try ExprChecker(file: file).check(expr)
        // A field on its own is a condition (true when it is JSON true);
        // anything computed from one (hr + 1, -hr, abs(hr)) is a number.
        var isPath = false
        if case .field = expr.kind { isPath = true }
        if type == .field, !isPath {
            throw ConfigError(file: file, line: expr.position.line, column: expr.position.column,
                              message: "expected a condition (true or false) for rule '\(name.text)', found a number (a field in arithmetic)")
        }
        guard type == .bool || type == .field else {
            throw ConfigError(file: file, line: expr.position.line, column: expr.position.column,
                              message: "expected a condition (true or false) for rule '\(name.text)', found \(type.phrase)")
        }
        guard rules.count < Self.maxRules else {
            throw error(line, offset, "more than \(Self.maxRules) rules in one file")
        }
        firstLine[name.text] = line
        rules.append(Rule(action: kind, name: name.text, expr: expr, source: "\(expr)",
                          position: SourcePosition(line: line, column: offset), file: file))
    }

    private func checkName(_ name: String, line: Int, column: Int) throws(ConfigError) {
        let bytes = Array(name.utf8)
        let valid = bytes.count <= Self.maxNameLength
            && bytes.first.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } == true
            && bytes.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") }
        guard valid else {
            throw error(line, column, "expected a rule name of lower-case letters, digits and '_' (starting with a letter, at most \(Self.maxNameLength)), found '\(name)'")
        }
        if let earlier = firstLine[name] {
            throw error(line, column, "rule name '\(name)' is already used on line \(earlier): names must be unique")
        }
    }

    /// The next run of non-space bytes from `cursor`, and its 1-based column.
    private func word(_ text: [UInt8], _ cursor: inout Int, line: Int) throws(ConfigError) -> (text: String, column: Int) {
        while cursor < text.count, Self.isSpace(text[cursor]) { cursor += 1 }
        let start = cursor
        while cursor < text.count, !Self.isSpace(text[cursor]), text[cursor] != UInt8(ascii: "\n") { cursor += 1 }
        guard let word = String(validating: text[start..<cursor], as: UTF8.self) else {
            throw error(line, start + 1, "invalid UTF-8")
        }
        return (word, start + 1)
    }

    private func error(_ line: Int, _ column: Int, _ message: String) -> ConfigError {
        ConfigError(file: file, line: line, column: column, message: message)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// Lines without their `\n` (a final line without one counts).
    static func lines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}
