import ArgumentParser

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
///
/// A task-local, not a process-wide flag: a second parse on another task
/// (tests run in parallel) must not see the look's checks-off.
enum ArgumentChecks {
    @TaskLocal private static var off = false

    static var enabled: Bool { !off }

    /// Runs `body` with checks off, for this task only.
    static func withoutChecks<T>(_ body: () throws -> T) rethrows -> T {
        try $off.withValue(true) { try body() }
    }
}
