/// What one expression of a program produces.
public enum ExprResult: Sendable, Equatable {
    /// A condition (a rule): true or false, false when a field it compares is missing.
    case condition
    /// A number (a wear-score derived feature): nil when a field it reads is missing.
    case number
}

/// One expression to compile into an `ExprProgram`.
public struct ExprEntry: Sendable {
    public let expr: Expr
    public let result: ExprResult
    /// Carries per-key state across reloads: `adoptState(from:)` moves the
    /// state of the stateful calls of an old entry with the same identity
    /// (wear-filter uses the rule's name and its expression's source text).
    public let identity: String

    public init(_ expr: Expr, result: ExprResult, identity: String) {
        self.expr = expr
        self.result = result
        self.identity = identity
    }
}

/// Checked expressions compiled together, once, into closures over field
/// slots: every distinct field path is read once per record (`load`), every
/// stateful call (`last`, `max`, `rate`, `bucket`, `zscore`, `delta`) owns
/// slots in the per-key state of its key expression, bounded by `maxKeys`
/// (least recently seen key evicted). Evaluation does no string-keyed
/// look-ups and no tree walking. Semantics: docs/rules.md.
///
/// Not thread-safe: one per thread (or shard). The `JSONValue` given to
/// `load` must stay valid while `condition`/`number` run for that record.
public final class ExprProgram {
    /// The expressions, in the order given.
    public let entries: [ExprEntry]
    /// The most keys each distinct key expression keeps state for.
    public let maxKeys: Int

    /// Checks (`ExprChecker`) and compiles `entries`; the first error, at
    /// its token, as `FILE:LINE:COL: message`.
    public init(compiling entries: [ExprEntry], file: String, maxKeys: Int,
                knownFields: [String: ExprType] = [:]) throws(ConfigError) {
        self.entries = entries
        self.maxKeys = maxKeys
        fatalError("ExprProgram: the compiler is not built yet (#9)")
    }

    /// Reads the record's fields (each distinct path once) and its event
    /// time (`rx` if numeric, else `ts`, ms since the epoch).
    public func load(_ root: JSONValue) {
        fatalError("not built yet")
    }

    /// Condition `index` for the loaded record. Runs every stateful call of
    /// the expression first, in source order, whatever the short-circuit of
    /// `and`/`or` later skips, then the expression.
    public func condition(_ index: Int) -> Bool {
        fatalError("not built yet")
    }

    /// Number `index` for the loaded record; nil when a field it reads is
    /// missing or mistyped (stateful calls run as for `condition`).
    public func number(_ index: Int) -> Double? {
        fatalError("not built yet")
    }

    /// SIGHUP: takes over the per-key state of `old`'s stateful calls in
    /// entries whose identity is unchanged; everything else starts empty.
    public func adoptState(from old: ExprProgram) {
        fatalError("not built yet")
    }

    /// Keys with state now, over all key expressions.
    public var keysTracked: Int { fatalError("not built yet") }
    /// Keys evicted to stay within `maxKeys`, since this program's state began.
    public var evictions: Int { fatalError("not built yet") }
    /// Bytes of memory one key's state takes (entry, table slots and state
    /// slots), for docs and sizing `--max-keys`.
    public var bytesPerKey: Int { fatalError("not built yet") }
}
