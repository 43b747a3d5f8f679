import Logging
import WearCore

/// The wear-filter stage: runs a rules file over every record (drop, tag,
/// keep; docs/rules.md). A record no rule drops passes byte for byte unless
/// a tag was added; tags are appended to its `flags` array.
public struct FilterStage: Stage {
    public static var name: String { "wear-filter" }

    /// A record whose `flags` is not an array cannot take a tag.
    public static let badFlags = RejectReason("bad_flags")
    static let flags: MemberName = "flags"

    /// The rules file SIGHUP re-reads (nil: rules given in memory, no reload).
    public let rulesPath: String?
    public let maxKeys: Int
    public internal(set) var rules: RuleSet
    let logger: Logger?
    private var matched: [Int] = []
    /// Hits of rules no longer loaded, by name and action, so counters never go back.
    var retiredHits: [RuleCounterKey: Int] = [:]
    var retiredEvictions = 0
    var reloads = (succeeded: 0, failed: 0)

    /// Loads and compiles `rulesPath`.
    public init(rulesPath: String, maxKeys: Int, logger: Logger? = nil) throws {
        self.init(rules: try RuleSet(contentsOf: rulesPath, maxKeys: maxKeys), path: rulesPath, maxKeys: maxKeys, logger: logger)
    }

    /// A stage over rules compiled elsewhere (tests, `--test`): no reload.
    public init(rules: RuleSet, maxKeys: Int, logger: Logger? = nil) {
        self.init(rules: rules, path: nil, maxKeys: maxKeys, logger: logger)
    }

    private init(rules: RuleSet, path: String?, maxKeys: Int, logger: Logger?) {
        self.rules = rules
        self.rulesPath = path
        self.maxKeys = maxKeys
        self.logger = logger
        let state = rules.keyExpressions.isEmpty ? "no per-key state"
            : "state keyed by \(rules.keyExpressions.joined(separator: ", ")), at most \(maxKeys) keys each, \(rules.bytesPerKey) bytes per key"
        logger?.debug("\(rules.rules.count) rules from \(path ?? "memory"); \(state)")
    }

    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        guard let root = record.json else { return .pass }
        switch rules.decide(root, tags: &matched) {
        case .reject(let index):
            let rule = rules.rules[index]
            let detail = rule.action == .drop ? "drop rule '\(rule.name)' matched" : "keep rule '\(rule.name)' did not match"
            return .reject(rules.reasons[index], detail: detail)
        case .keep:
            if matched.isEmpty { return .pass }
            return tag(record, root: root, into: &output)
        }
    }

    /// Appends the matched tags that the record's `flags` does not hold yet
    /// (so filtering a filtered stream again changes nothing).
    private func tag(_ record: Record, root: JSONValue, into output: inout StageOutput) -> Verdict {
        let existing = root["flags"]
        if let existing, !existing.isArray {
            return .reject(Self.badFlags, detail: "cannot add tags: flags is \(existing.kind.article), not an array")
        }
        let fresh = matched.filter { index in !(existing.map { Self.holds($0, rules.tags[index]) } ?? false) }
        if fresh.isEmpty { return .pass }
        do {
            try output.emit(editing: record) { editor in
                for index in fresh { try editor.append(to: Self.flags, string: rules.tags[index]) }
            }
        } catch {
            return .reject(Self.badFlags, detail: "cannot add tags: \(error)")
        }
        return .emitted
    }

    /// True when the array `flags` has a string element equal to `tag`.
    static func holds(_ flags: JSONValue, _ tag: MemberName) -> Bool {
        var found = false
        flags.forEachElement { element in
            if let bytes = element.stringBytes, bytes.elementsEqual(tag.bytes) { found = true }
            return !found
        }
        return found
    }
}

/// A rule's counter labels: metrics keep counting across reloads by name and action.
struct RuleCounterKey: Hashable {
    let rule: String
    let action: RuleAction
}
