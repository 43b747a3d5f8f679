import ArgumentParser
import Synchronization

/// Arguments whose checks must not hide argument-parser's own errors.
///
/// argument-parser runs `validate()` before it looks for unknown options,
/// so `wear-decrypt --master-kye k` used to answer "give --keys FILE,
/// --master-key FILE, or both" instead of naming the typo. Types conform
/// with `check()` instead of `validate()`; when a check fails, `wearMain`
/// parses the arguments again with checks off, and reports a parse error
/// (an unknown option, a bad value) in preference to the check's.
public protocol CheckedArguments: ParsableArguments {
    /// What `validate()` would do: throw a `ValidationError` naming the option.
    func check() throws
}

extension CheckedArguments {
    public func validate() throws {
        if ArgumentChecks.enabled { try check() }
    }
}

/// Whether `CheckedArguments` run their checks (off only while `wearMain`
/// looks for an error the checks hid).
enum ArgumentChecks {
    private static let state = Atomic<Bool>(true)

    static var enabled: Bool { state.load(ordering: .relaxed) }

    /// Runs `body` with checks off.
    static func withoutChecks<T>(_ body: () throws -> T) rethrows -> T {
        state.store(false, ordering: .relaxed)
        defer { state.store(true, ordering: .relaxed) }
        return try body()
    }
}
