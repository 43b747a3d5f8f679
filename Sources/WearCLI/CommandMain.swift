import ArgumentParser
import Glibc
import WearCore

extension ParsableCommand {
    /// The entry point of every wear binary: ArgumentParser's, except that
    /// errors are one line in the project's form,
    /// `wear-filter: error: Unknown option '--bogus'`, followed by a hint
    /// naming the (sub)command's help, with sysexits statuses (64 for
    /// usage). Help and `--version` go to stdout with status 0. Errors of
    /// the project's own (`StageFailure`, `ConfigError`, ...) end the
    /// process through `ProcessExit`.
    public static func wearMain(_ arguments: [String]? = nil) -> Never {
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            reportParseError(hiddenParseError(arguments) ?? error)
        }
        let path = commandPath(of: type(of: command))
        do {
            try command.run()
            Glibc.exit(ExitStatus.ok.rawValue)
        } catch let error as any ExitStatusError {
            ProcessExit.fail(error, program: path)
        } catch where error is ValidationError {
            // A check that could only run in run(): a usage error of this subcommand.
            printError("\(path): error: \(message(for: error))")
            printError("See '\(path) --help' for more information.")
            Glibc.exit(ExitStatus.usage.rawValue)
        } catch where exitCode(for: error) != .failure {
            // argument-parser's own (help and version are built-in commands that "fail" to print).
            reportParseError(error)
        } catch {
            ProcessExit.fail(error, program: path)
        }
    }

    /// With the `CheckedArguments` checks off, the error argument-parser
    /// finds on its own (an unknown option, a bad value), if any: it comes
    /// first, because the check may only have failed because of it.
    private static func hiddenParseError(_ arguments: [String]) -> (any Error)? {
        ArgumentChecks.withoutChecks {
            do {
                _ = try parseAsRoot(arguments)
                return nil
            } catch {
                return exitCode(for: error) == .success ? nil : error
            }
        }
    }

    private static func reportParseError(_ error: any Error) -> Never {
        let program = configuration.commandName ?? "wear"
        let code = exitCode(for: error)
        if code == .success {
            print(fullMessage(for: error))
            Glibc.exit(ExitStatus.ok.rawValue)
        }
        let message = self.message(for: error)
        if !message.isEmpty {
            printError("\(program): error: \(message)")
        }
        // ArgumentParser's own hint names the subcommand: "See 'wear sim --help' ...".
        if let hint = fullMessage(for: error).split(separator: "\n").last(where: { $0.contains("See '") }) {
            printError(String(hint.drop(while: { $0 == " " })))
        }
        Glibc.exit(code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue)
    }

    /// `wear sim` for `SimCommand`: the names from the root to `type`.
    static func commandPath(of type: any ParsableCommand.Type) -> String {
        func search(_ node: any ParsableCommand.Type, _ path: [String]) -> [String]? {
            let here = path + [node.configuration.commandName ?? node._commandName]
            if node == type { return here }
            for child in node.configuration.subcommands {
                if let found = search(child, here) { return found }
            }
            return nil
        }
        return (search(self, []) ?? [configuration.commandName ?? "wear"]).joined(separator: " ")
    }
}

private func printError(_ line: String) {
    _ = WriteAll.write(line.hasSuffix("\n") ? line : line + "\n", to: STDERR_FILENO)
}
