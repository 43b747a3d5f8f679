import Foundation
import Testing
import WearTesting

@Suite("wear command line")
struct CommandLineTests {
    @Test("wear --help lists the subcommands")
    func helpListsSubcommands() throws {
        let result = try ProcessRun.run(try Binaries.url(of: "wear"), ["--help"])
        #expect(result.status == 0)
        for subcommand in ["keys", "seal", "sim", "eval"] {
            #expect(result.stdoutText.contains("  \(subcommand) "), "missing \(subcommand)")
        }
    }

    @Test("each subcommand's help has examples", arguments: [["keys"], ["seal"], ["sim"], ["eval"], ["keys", "export"]])
    func subcommandHelp(_ path: [String]) throws {
        let result = try ProcessRun.run(try Binaries.url(of: "wear"), path + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdoutText.contains("Example"))
    }

    @Test("wear sim | head exits quietly when the reader goes away")
    func closedOutputIsQuiet() throws {
        let wear = try Binaries.url(of: "wear").path
        let script = "(\"\(wear)\" sim --plain --devices 2000 --duration 1h 2>err; echo $? > status) | head -n 2"
        let directory = try TemporaryDirectory()
        let result = try ProcessRun.shell(script, directory: directory.url)
        #expect(result.stdoutLines.count == 2)
        #expect(try String(contentsOf: directory.file("err"), encoding: .utf8) == "")
        #expect(try String(contentsOf: directory.file("status"), encoding: .utf8) == "74\n")
    }

    @Test("usage errors exit 64 with one line saying what to fix", arguments: [
        (["sim", "--devices", "0", "--plain"], "--devices must be 1 to 9999999"),
        (["sim", "--devices", "5"], "needs --master-key"),
        (["sim", "--plain", "--attack", "bad_key"], "needs sealed output"),
        (["sim", "--plain", "--attack", "meteor"], "unknown attack 'meteor'"),
    ])
    func usageErrors(_ arguments: [String], _ message: String) throws {
        let result = try ProcessRun.run(try Binaries.url(of: "wear"), arguments)
        #expect(result.status == 64)
        #expect(result.stderrText.contains(message))
        #expect(result.stdout.isEmpty)
    }
}
