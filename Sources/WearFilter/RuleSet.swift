import WearCore

/// Rules compiled together into one `ExprProgram` (shared field slots and
/// per-key state), with what each rule needs per record made once: its
/// reject reason and its tag as a member value.
public final class RuleSet {
    public let rules: [Rule]
    let program: ExprProgram
    let reasons: [RejectReason]
    let tags: [MemberName]
    /// Records each rule matched (for `drop`/`tag`) or refused (for `keep`).
    var hits: [Int]

    /// Compiles `rules`; `maxKeys` bounds the state of each key expression.
    public init(_ rules: [Rule], file: String, maxKeys: Int) throws(ConfigError) {
        self.rules = rules
        let entries = rules.map { ExprEntry($0.expr, result: .condition, identity: $0.identity) }
        program = try ExprProgram(compiling: entries, file: file, maxKeys: maxKeys)
        var reasons: [RejectReason] = []
        for rule in rules {
            do {
                reasons.append(try RejectReason.rule(rule.name))
            } catch {
                throw ConfigError(file: file, line: rule.position.line, column: rule.position.column,
                                  message: "rule name '\(rule.name)' cannot be a reject reason")
            }
        }
        self.reasons = reasons
        tags = rules.map { MemberName($0.name) }
        hits = Array(repeating: 0, count: rules.count)
    }

    /// Reads, parses and compiles a rules file.
    public convenience init(contentsOf path: String, maxKeys: Int) throws {
        let text = try ConfigFile.read(path, maxBytes: RuleFileParser.maxBytes, what: "rules file")
        try self.init(try RuleFileParser.parse(text, file: path), file: path, maxKeys: maxKeys)
    }

    /// What the rules decide about one record.
    public enum Decision: Equatable {
        /// Kept; `tags` holds the indices of the `tag` rules that matched, in rule order.
        case keep
        /// Rejected by rule `index` (a `drop` that matched, a `keep` that did not).
        case reject(rule: Int)
    }

    /// Runs the rules, in order, over `root`; `tags` is reused between calls.
    public func decide(_ root: JSONValue, tags: inout [Int]) -> Decision {
        tags.removeAll(keepingCapacity: true)
        program.load(root)
        for index in rules.indices {
            let matched = program.condition(index)
            switch rules[index].action {
            case .drop where matched, .keep where !matched:
                hits[index] += 1
                return .reject(rule: index)
            case .tag where matched:
                hits[index] += 1
                tags.append(index)
            default: break
            }
        }
        return .keep
    }

    /// SIGHUP: take over `old`'s state for the rules whose name and expression are unchanged.
    public func adoptState(from old: RuleSet) {
        program.adoptState(from: old.program)
    }

    public var keysTracked: Int { program.keysTracked }
    public var evictions: Int { program.evictions }
    public var bytesPerKey: Int { program.bytesPerKey }
    public var keyExpressions: [String] { program.keyExpressions }
}
