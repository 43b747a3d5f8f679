import ArgumentParser
import WearCLI
import WearCore
import WearDecrypt

@main
struct WearDecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wear-decrypt",
        abstract: "Authenticate and decrypt JWE telemetry envelopes.",
        discussion: """
            JWE decryption is not built yet: for now every valid record passes through unchanged.

            Reads newline-delimited JSON records from standard input (or --input)
            and writes them to standard output. Lines that are not JSON objects,
            have duplicate member names or exceed --max-line-bytes are rejected
            (see --rejects); the summary line on stderr at exit gives the counts.

            Exit status: 0 ok, 64 bad usage, 66 input or config file missing,
            74 I/O error or closed output, 78 invalid config.

            Examples:
              wear-decrypt --input /run/wear/telemetry.fifo --rejects decrypt-rejects.ndjson
            """,
        version: WearVersion.current
    )

    @OptionGroup var common: CommonOptions

    func run() throws {
        StageMain.run(common) { _ in DecryptStage() }
    }
}
