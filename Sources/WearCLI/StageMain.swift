import Glibc
import Logging
import WearCore

/// Runs a stage with the common options and exits with its status; the body
/// of every stage command's `run()`.
public enum StageMain {
    /// Installs logging, builds the stage (a config error exits 66 or 78
    /// with one line on stderr, as `StageFailure(error)` maps it), runs it
    /// and exits with the runner's status.
    public static func run<S: Stage>(_ common: CommonOptions, makeStage: (Logger) throws -> S) -> Never {
        let logger = WearLogging.logger(program: S.name, level: common.logLevel.level)
        let stage = build(makeStage, program: S.name, logger: logger)
        var runner = StageRunner(stage: stage, options: common.runnerOptions, logger: logger)
        exit(runner.run().rawValue)
    }

    /// The same for a deferred stage (`BatchStage`), run by `BatchStageRunner`.
    public static func run<S: BatchStage>(_ common: CommonOptions, makeStage: (Logger) throws -> S) -> Never {
        let logger = WearLogging.logger(program: S.name, level: common.logLevel.level)
        let stage = build(makeStage, program: S.name, logger: logger)
        do {
            var runner = try BatchStageRunner(stage: stage, options: common.runnerOptions, logger: logger)
            exit(runner.run().rawValue)
        } catch {
            ProcessExit.fail(error, program: S.name)
        }
    }

    private static func build<S>(_ makeStage: (Logger) throws -> S, program: String, logger: Logger) -> S {
        do {
            return try makeStage(logger)
        } catch {
            ProcessExit.fail(error, program: program)
        }
    }

    /// The program's logger (logging is installed once per process).
    public static func bootstrapLogging(program: String, level: Logger.Level) -> Logger {
        WearLogging.logger(program: program, level: level)
    }
}

/// How every wear binary ends on an error of its own (argument-parser's
/// are `wearMain`'s): one line `program: error: message` on stderr (none
/// when the failure is quiet), then the status `StageFailure(error)` maps.
public enum ProcessExit {
    public static func fail(_ error: any Error, program: String) -> Never {
        let failure = StageFailure(error)
        if !failure.quiet {
            WearLogging.logger(program: program).error("\(failure.message)")
        }
        exit(failure.status.rawValue)
    }
}
