import ArgumentParser
import Glibc
import Logging
import WearCore

/// Runs a stage with the common options and exits with its status; the body
/// of every stage command's `run()`.
public enum StageMain {
    /// Bootstraps logging, builds the stage (config errors exit 66 or 78 with
    /// one line on stderr), runs it and exits.
    public static func run<S: Stage>(_ common: CommonOptions, makeStage: (Logger) throws -> S) -> Never {
        let logger = bootstrapLogging(program: S.name, level: common.logLevel.level)
        let stage = build(makeStage, logger: logger)
        var runner = StageRunner(stage: stage, options: common.runnerOptions, logger: logger)
        exit(runner.run().rawValue)
    }

    /// The same for a deferred stage (`BatchStage`), run by `BatchStageRunner`.
    public static func run<S: BatchStage>(_ common: CommonOptions, makeStage: (Logger) throws -> S) -> Never {
        let logger = bootstrapLogging(program: S.name, level: common.logLevel.level)
        let stage = build(makeStage, logger: logger)
        do {
            var runner = try BatchStageRunner(stage: stage, options: common.runnerOptions, logger: logger)
            exit(runner.run().rawValue)
        } catch {
            logger.error("\(error.message)")
            exit(error.status.rawValue)
        }
    }

    private static func build<S>(_ makeStage: (Logger) throws -> S, logger: Logger) -> S {
        do {
            return try makeStage(logger)
        } catch let failure as StageFailure {
            logger.error("\(failure.message)")
            exit(failure.status.rawValue)
        } catch let error as ConfigError {
            logger.error("\(error.description)")
            exit(ExitStatus.config.rawValue)
        } catch {
            logger.error("\(error)")
            exit(ExitStatus.config.rawValue)
        }
    }

    /// Installs the stderr log handler once and returns the program's logger.
    public static func bootstrapLogging(program: String, level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { _ in StderrLogHandler(program: program, level: level) }
        var logger = Logger(label: program)
        logger.logLevel = level
        return logger
    }
}
