/// The compiled code of one entry: its stateful calls (in source order)
/// fused with its expression into one closure per result kind, so a
/// record costs one closure call per entry, and the calls inside run from
/// the closure's own captures (no copy, no retain).
@usableFromInline
final class ExprEntryCode {
    @usableFromInline let condition: () -> Bool
    let number: () -> Double

    init(_ entry: ExprCompiledEntry) {
        condition = Self.fuse(entry.stateful, entry.condition)
        number = Self.fuse(entry.stateful, entry.number)
    }

    // Not generic: a closure passed through a generic parameter is called
    // through a reabstraction thunk (~10 instructions per call).
    private static func fuse(_ calls: [ExprCall], _ body: @escaping () -> Bool) -> () -> Bool {
        switch calls.count {
        case 0: return body
        case 1:
            let first = calls[0].run
            return { first(); return body() }
        default:
            let (first, rest) = (calls[0].run, fuse(Array(calls.dropFirst()), body))
            return { first(); return rest() }
        }
    }

    private static func fuse(_ calls: [ExprCall], _ body: @escaping () -> Double) -> () -> Double {
        switch calls.count {
        case 0: return body
        case 1:
            let first = calls[0].run
            return { first(); return body() }
        default:
            let (first, rest) = (calls[0].run, fuse(Array(calls.dropFirst()), body))
            return { first(); return rest() }
        }
    }
}

/// A stateful call's closure, wrapped: an array of bare closures stores them
/// maximally abstracted, and each call out of it goes through a thunk.
struct ExprCall {
    let run: () -> Void
}

/// Every entry's code, called through unmanaged references: the program
/// owns `entries` and outlives every call, and a reference read from an
/// array or a buffer would otherwise be retained and released per call
/// (1.4 retain/release pairs per condition, ~40 instructions, in callgrind).
@usableFromInline
final class ExprCode {
    private let entries: [ExprEntryCode]
    @usableFromInline let references: UnsafeMutablePointer<Unmanaged<ExprEntryCode>>

    init(_ compiled: [ExprCompiledEntry]) {
        entries = compiled.map(ExprEntryCode.init)
        references = .allocate(capacity: max(entries.count, 1))
        for (index, entry) in entries.enumerated() { (references + index).initialize(to: .passUnretained(entry)) }
    }

    deinit { references.deallocate() }

    @inlinable @inline(__always)
    func condition(_ index: Int) -> Bool {
        references[index]._withUnsafeGuaranteedRef { $0.condition() }
    }

    @inline(__always)
    func number(_ index: Int) -> Double {
        references[index]._withUnsafeGuaranteedRef { $0.number() }
    }
}
