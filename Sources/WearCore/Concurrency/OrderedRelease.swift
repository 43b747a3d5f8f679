/// Applies workers' reports to the runner: at once (each key's records in
/// order, global order as workers finish), or with `--ordered` in input
/// order: a batch's parts are merged back by record once all have arrived,
/// and batches are released in sequence (`ReorderBuffer`).
struct OrderedRelease {
    let ordered: Bool
    /// Parts still missing and parts received, per batch sequence (ordered only).
    private var assembling: [Int: (missing: Int, parts: [Completions])] = [:]
    private var ready = ReorderBuffer<Completions>()

    init(ordered: Bool) {
        self.ordered = ordered
    }

    /// Batch `sequence` was split into `parts` non-empty parts (sequences are
    /// announced in order, 0, 1, 2...).
    mutating func expect(sequence: Int, parts: Int) {
        guard ordered else { return }
        if parts == 0 {
            ready.insert(Completions(), at: sequence)
        } else {
            assembling[sequence] = (parts, [])
        }
    }

    mutating func add(_ report: ShardReport, into context: inout StageContext) {
        guard ordered else {
            Self.apply(report.completions, to: &context)
            return
        }
        guard var entry = assembling[report.sequence] else { return }
        entry.missing -= 1
        entry.parts.append(report.completions)
        if entry.missing > 0 {
            assembling[report.sequence] = entry
            return
        }
        assembling[report.sequence] = nil
        ready.insert(entry.parts.count == 1 ? entry.parts[0] : Completions(mergingByRecord: entry.parts), at: report.sequence)
        while let completions = ready.popNext() {
            Self.apply(completions, to: &context)
        }
    }

    /// Hands `completions` to the runner without copying them when nothing
    /// else is pending in this callback.
    private static func apply(_ completions: Completions, to context: inout StageContext) {
        if context.completions.isEmpty {
            context.completions = completions
        } else {
            context.complete(completions)
        }
    }
}
