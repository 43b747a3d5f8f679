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
/// How evaluation works (the files under Expr/Program/):
///
/// - Compile time. `ExprFieldLayout` gives every distinct field path (and
///   each prefix: `meta` for `meta.src`) a slot and a load plan;
///   `ExprCompiler` turns each checked `Expr` into closures, picked by the
///   checker's static types: numbers are `() -> Double` with NaN as
///   *missing* (arithmetic propagates it, every comparison with it is
///   false), conditions are `() -> Bool`, and the common shapes (`field <
///   constant`, `field - field`) get closures specialised by operator and
///   operand (`ExprNodes.swift`). `==`/`!=` resolve at compile time to a
///   numeric, string, bool or per-record JSON-type comparison
///   (`ExprCompiler+Equality.swift`).
/// - Cells. One Double per slot (its number, or NaN when the field is
///   missing or not a number) and one per stateful call (its result): the
///   closures read `cells[i]`, nothing else per field.
/// - `load(root)`. One pass over the root object's members fills every
///   top-level slot (a C loop probing a small hash table of the program's
///   names, `JSONMemberTable`) and writes each one's number to its cell;
///   nested slots follow from their parents; then the event time (`rx`,
///   else `ts`) is read.
/// - Stateful calls. Each call's closure (`ExprCompiler+Calls.swift`) runs
///   before its entry's expression, in source order, and writes its result
///   register. State lives in one `ExprKeyTable` per key expression: a
///   `BoundedMap` from key bytes to a row of 8-byte words holding every
///   call's words; the row is looked up once per record (on first use) and
///   reused by every call with that key. The functions themselves are in
///   `ExprStateful.swift`.
///
/// Not thread-safe: one per thread (or shard). The `JSONValue` given to
/// `load` must stay valid while `condition`/`number` run for that record.
public final class ExprProgram {
    /// The expressions, in the order given.
    public let entries: [ExprEntry]
    /// The most keys each distinct key expression keeps state for.
    public let maxKeys: Int

    private let compiled: [ExprCompiledEntry]
    /// The closures of `compiled`, called without copying an array or a
    /// struct (a copy was 4.4 retain/release pairs per condition, ~80
    /// instructions, in callgrind).
    @usableFromInline let code: ExprCode
    private let plan: [ExprFieldLayout.LoadStep]
    private let slots: JSONSlots
    private let storage: ExprStorage
    /// One per key expression (internal for tests: their maps' counters).
    let tables: [ExprKeyTable]
    /// Slots of `rx` and `ts` when some call needs event time.
    private let timeSlots: (rx: Int, ts: Int)?
    /// Slots of the `alsoReading` members.
    private let readSlots: [Int]
    private var droppedOnAdopt = 0

    /// Checks (`ExprChecker`) and compiles `entries`; the first error, at
    /// its token, as `FILE:LINE:COL: message`.
    ///
    /// `alsoReading`: top-level members the caller reads itself (`read`),
    /// filled in the same pass over the record as the expressions' fields
    /// (wear-score's key, `rx`, `ts` and `flags`: one scan instead of one
    /// lookup each).
    public init(compiling entries: [ExprEntry], file: String, maxKeys: Int,
                knownFields: [String: ExprType] = [:], alsoReading: [String] = []) throws(ConfigError) {
        self.entries = entries
        self.maxKeys = max(1, maxKeys)
        var layout = ExprFieldLayout()
        var callCount = 0
        for entry in entries { Self.collect(entry.expr, into: &layout, calls: &callCount) }
        readSlots = alsoReading.map { layout.add(FieldPath($0)) }
        if callCount > 0 {
            timeSlots = (layout.add(FieldPath("rx")), layout.add(FieldPath("ts")))
        } else {
            timeSlots = nil
        }
        var compiler = ExprCompiler(checker: ExprChecker(file: file, knownFields: knownFields), layout: layout,
                                    registers: callCount, maxKeys: self.maxKeys)
        var compiled: [ExprCompiledEntry] = []
        for entry in entries { compiled.append(try compiler.compile(entry)) }
        self.compiled = compiled
        code = ExprCode(compiled)
        plan = layout.plan()
        slots = compiler.slots
        storage = compiler.storage
        tables = compiler.tables
    }

    /// Adds every field path of `expr` to `layout` and counts its stateful calls.
    private static func collect(_ expr: Expr, into layout: inout ExprFieldLayout, calls: inout Int) {
        switch expr.kind {
        case .quantity, .string, .bool: break
        case .field(let path): _ = layout.add(path)
        case .unary(_, let operand): collect(operand, into: &layout, calls: &calls)
        case .binary(_, let lhs, let rhs):
            collect(lhs, into: &layout, calls: &calls)
            collect(rhs, into: &layout, calls: &calls)
        case .call(let name, let arguments):
            if ExprFunction(rawValue: name)?.isStateful == true { calls += 1 }
            for argument in arguments { collect(argument, into: &layout, calls: &calls) }
        }
    }

    /// Reads the record's fields (each distinct path once) and its event
    /// time (`rx` if numeric, else `ts`, ms since the epoch).
    public func load(_ root: JSONValue) {
        let cells = storage.cells
        for step in plan {
            switch step {
            case .members(let parent, let table): slots.fill(from: parent < 0 ? root : slots[parent], table, numbers: cells)
            case .element(let slot, let index, let parent): slots.fill(slot, element: index, of: parent, numbers: cells)
            }
        }
        guard let (rx, ts) = timeSlots else { return }
        storage.clock.pointee = EventTime.milliseconds(slots[rx]) ?? EventTime.milliseconds(slots[ts]) ?? ExprStorage.noTime
        for table in tables { table.beginRecord() }
    }

    /// The loaded record's `alsoReading[index]` member (null when absent,
    /// with `isAbsentMember` set; like `JSONValue.member(named:)`, the first of its name).
    @inline(__always)
    public func read(_ index: Int) -> JSONValue { slots[readSlots[index]] }

    /// Condition `index` for the loaded record. Runs every stateful call of
    /// the expression first, in source order, whatever the short-circuit of
    /// `and`/`or` later skips, then the expression.
    /// Inlinable: one call per rule per record (wear-filter's loop), into
    /// the entry's closure directly.
    @inlinable
    public func condition(_ index: Int) -> Bool {
        precondition(index >= 0 && index < entries.count, "no entry \(index)")
        return code.condition(index)
    }

    /// Number `index` for the loaded record; nil when a field it reads is
    /// missing or mistyped, or the result is not finite (an overflow such
    /// as 1e308 * 10); stateful calls run as for `condition`. A condition
    /// entry gives 1 or 0.
    public func number(_ index: Int) -> Double? {
        precondition(index >= 0 && index < entries.count, "no entry \(index)")
        let value = code.number(index)
        return value.isFinite ? value : nil
    }

    /// SIGHUP: takes over the per-key state of `old`'s stateful calls in
    /// entries whose identity is unchanged; everything else starts empty.
    /// Keys keep their recency order; when `maxKeys` shrank, the most
    /// recently seen keys are kept (the others count as evictions).
    public func adoptState(from old: ExprProgram) {
        guard old !== self else { return }
        var oldByIdentity: [String: [Int]] = [:]
        for (index, entry) in old.entries.enumerated() { oldByIdentity[entry.identity, default: []].append(index) }
        var moves: [ObjectIdentifier: (old: ExprKeyTable, moves: [(old: Int, new: Int, count: Int)])] = [:]
        for (index, entry) in entries.enumerated() {
            guard var candidates = oldByIdentity[entry.identity], !candidates.isEmpty else { continue }
            let oldIndex = candidates.removeFirst()
            oldByIdentity[entry.identity] = candidates
            let (newCalls, oldCalls) = (compiled[index].calls, old.compiled[oldIndex].calls)
            guard newCalls.count == oldCalls.count else { continue }
            for (new, previous) in zip(newCalls, oldCalls) where new.count == previous.count && new.table.text == previous.table.text {
                moves[ObjectIdentifier(new.table), default: (previous.table, [])].moves.append((previous.offset, new.offset, new.count))
            }
        }
        for table in tables {
            guard let plan = moves[ObjectIdentifier(table)] else { continue }
            droppedOnAdopt += table.adopt(from: plan.old, moves: plan.moves)
        }
    }

    /// Bytes the state holds now: maps (table, entries, inline keys) and rows.
    var stateFootprintBytes: Int { tables.reduce(0) { $0 + $1.footprintBytes } }

    /// The key expressions with state, by canonical source text (`dev`).
    public var keyExpressions: [String] { tables.map(\.text) }
    /// Keys with state now, over all key expressions.
    public var keysTracked: Int { tables.reduce(0) { $0 + $1.map.count } }
    /// Keys evicted to stay within `maxKeys`, since this program's state began.
    public var evictions: Int { tables.reduce(droppedOnAdopt) { $0 + $1.map.evictions } }
    /// Bytes of memory one key's state takes (entry, table slots and state
    /// slots), for docs and sizing `--max-keys`: summed over the key
    /// expressions (a key seen by each), for keys of at most 16 bytes
    /// (longer ones add a heap block of their length); 0 without state.
    public var bytesPerKey: Int { tables.reduce(0) { $0 + $1.bytesPerKey } }
}
