import ArgumentParser
import Glibc
import WearCore

extension ParsableCommand {
    /// The entry point of every wear binary: ArgumentParser's, except that
    /// errors are one line in the project's form,
    /// `wear-filter: error: Unknown option '--bogus'`, followed by a hint,
    /// with sysexits statuses (64 for usage). Help and `--version` go to
    /// stdout with status 0.
    public static func wearMain(_ arguments: [String]? = nil) -> Never {
        let program = configuration.commandName ?? "wear"
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Glibc.exit(ExitStatus.ok.rawValue)
        } catch let failure as StageFailure {
            if !failure.quiet { printError("\(program): error: \(failure.message)") }
            Glibc.exit(failure.status.rawValue)
        } catch let error as ConfigError {
            printError("\(program): error: \(error.description)")
            Glibc.exit(ExitStatus.config.rawValue)
        } catch {
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
            Glibc.exit(code.rawValue)
        }
    }
}

private func printError(_ line: String) {
    _ = WriteAll.write(line.hasSuffix("\n") ? line : line + "\n", to: STDERR_FILENO)
}
