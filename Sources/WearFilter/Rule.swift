import WearCore

/// What a rule does with a record (docs/rules.md).
public enum RuleAction: String, Sendable, CaseIterable {
    /// Matched: reject with `rule:NAME`; later rules do not run.
    case drop
    /// Matched: append NAME to the record's `flags`.
    case tag
    /// Not matched: reject with `rule:NAME`; later rules do not run.
    case keep
}

/// One rule of a rules file, parsed and type-checked.
public struct Rule: Sendable {
    public let action: RuleAction
    public let name: String
    public let expr: Expr
    /// The expression as written (continuation lines joined by one space,
    /// comments removed); with the name, what keeps a rule's state across a reload.
    public let source: String
    /// Where the rule's action starts.
    public let position: SourcePosition
    /// The file the rule came from.
    public let file: String

    /// State carries over a reload only to a rule with the same identity.
    public var identity: String { name + "\u{0}" + source }
}
