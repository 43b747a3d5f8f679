/// The parts of every stage's `--help` that describe the shared runtime,
/// written once (docs/runtime.md has the long form).
public enum StageHelp {
    /// A stage's discussion: what it does, the runtime's contract, its
    /// examples (each line under 76 columns so help never wraps a command;
    /// continue long ones with a trailing `\\` and a new line).
    public static func discussion(_ summary: String, examples: [String]) -> String {
        """
        \(summary)

        Reads newline-delimited JSON records from standard input (or --input)
        and writes them to standard output. Lines that are not JSON objects,
        have duplicate member names or exceed --max-line-bytes are rejected
        (see --rejects); the summary line on stderr at exit gives the counts.
        SIGTERM/SIGINT finish and exit 0; SIGHUP reloads config files.

        Exit status: 0 ok, 64 bad usage, 66 input or config file missing,
        74 I/O error or closed output, 78 invalid config.

        Examples:
        \(examples.flatMap { $0.split(separator: "\n") }.map { "  " + $0 }.joined(separator: "\n"))
        """
    }
}
