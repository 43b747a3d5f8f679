import Glibc
import Logging
import WearCLI
import WearCore
import WearFilter

/// `--check` and `--test`: one-shot commands over rules files, no records read.
enum RuleCommands {
    /// Loads and compiles a rules file: `FILE: N rules ok` on stdout, or the
    /// first error (`FILE:LINE:COL: ...`) on stderr and exit 78 (66 when missing).
    static func check(_ path: String, maxKeys: Int, logLevel: Logger.Level) -> Never {
        _ = StageMain.bootstrapLogging(program: FilterStage.name, level: logLevel)
        do {
            let rules = try RuleSet(contentsOf: path, maxKeys: maxKeys)
            let keyed = rules.keyExpressions.isEmpty ? "no per-key state"
                : "state keyed by \(rules.keyExpressions.joined(separator: ", ")), \(rules.bytesPerKey) bytes per key"
            print("\(path): \(rules.rules.count) rule\(rules.rules.count == 1 ? "" : "s") ok (\(keyed))")
            exit(ExitStatus.ok.rawValue)
        } catch {
            ProcessExit.fail(error, program: FilterStage.name)
        }
    }

    /// Runs a rule test file: each failure and a summary on stdout; exit 1
    /// when a record did not get what its case expects.
    static func test(_ path: String, logLevel: Logger.Level) -> Never {
        _ = StageMain.bootstrapLogging(program: FilterStage.name, level: logLevel)
        do {
            let report = try RuleTestRunner(try RuleTestFile(contentsOf: path)).run()
            for failure in report.failures { print(failure) }
            print(report.summary)
            exit(report.failures.isEmpty ? ExitStatus.ok.rawValue : ExitStatus.checkFailed.rawValue)
        } catch {
            ProcessExit.fail(error, program: FilterStage.name)
        }
    }
}
