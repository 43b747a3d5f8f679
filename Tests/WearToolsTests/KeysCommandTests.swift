import Foundation
import Testing
import WearTesting

/// `wear keys` as an operator runs it: refusals that say what to do.
@Suite struct KeysCommandTests {
    let scratch: TemporaryDirectory
    let wear: URL

    init() throws {
        scratch = try TemporaryDirectory()
        wear = try Binaries.url(of: "wear")
        let made = try ProcessRun.run(wear, ["keys", "new", "--out", "m.key"], directory: scratch.url)
        try #require(made.status == 0, "\(made.stderrText)")
    }

    func keys(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRun.run(wear, ["keys"] + arguments, directory: scratch.url)
    }

    @Test func deriveRefusesAnEmptyDeviceID() throws {
        let result = try keys(["derive", "--master-key", "m.key", ""])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrText == """
            wear: error: device id "": a device id must be 1 to 256 bytes without spaces or control characters
            See 'wear keys derive --help' for more information.

            """)
    }

    @Test func exportRefusesAnEmptyDeviceListAndWritesNothing() throws {
        try Data().write(to: scratch.file("devices.txt"))
        let result = try keys(["export", "--master-key", "m.key", "--devices", "devices.txt", "--out", "keys.json"])
        #expect(result.status == 64)
        #expect(result.stderrText == "wear keys export: error: devices.txt lists no device ids (one per line, # comments)\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("keys.json").path))
    }

    @Test func exportRefusesADirectoryAsTheDeviceList() throws {
        let result = try keys(["export", "--master-key", "m.key", "--devices", scratch.url.path, "--out", "keys.json"])
        #expect(result.status == 66)
        #expect(result.stderrText == "wear keys export: error: cannot read \(scratch.url.path): Is a directory\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("keys.json").path))
    }

    @Test func exportRefusesADirectoryAsTheOutput() throws {
        let result = try keys(["export", "--master-key", "m.key", "--fleet", "2", "--out", scratch.url.path])
        #expect(result.status == 64)
        #expect(result.stderrText == "wear keys export: error: \(scratch.url.path) is a directory: give the path of a file to write\n")
    }

    @Test func anExistingOutputFileIsRefusedWithTheFlagThatReplacesIt() throws {
        #expect(try keys(["export", "--master-key", "m.key", "--fleet", "2", "--out", "keys.json"]).status == 0)
        let again = try keys(["export", "--master-key", "m.key", "--fleet", "3", "--out", "keys.json"])
        #expect(again.status == 74)
        #expect(again.stderrText == "wear keys export: error: refusing to overwrite keys.json: the file exists; pass --force to replace it\n")
        #expect(try keys(["export", "--master-key", "m.key", "--fleet", "3", "--out", "keys.json", "--force"]).status == 0)
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: scratch.file("keys.json"))) as? [String: String]
        #expect(document?.count == 3)
    }

    @Test func deriveIntoAReaderThatGoesAwayExitsQuietly() throws {
        // 4000 lines (~210 KB): more than a pipe (64 KiB) and the writer's
        // buffer (64 KiB) hold, so the writer sees the reader go. Not more:
        // argument-parser's positional parsing is quadratic (20000 ids took
        // ~100 s in a debug build); fleets are exported with --fleet/--devices.
        let script = "(\"\(wear.path)\" keys derive --master-key m.key $(seq -f 'wr-%g' 1 4000) 2>err; echo $? > status) | head -n 1"
        let result = try ProcessRun.shell(script, directory: scratch.url)
        #expect(result.stdoutLines.count == 1)
        #expect(result.stdoutLines.first?.hasPrefix("wr-1\t") == true)
        #expect(try String(contentsOf: scratch.file("status"), encoding: .utf8) == "74\n")
        #expect(try String(contentsOf: scratch.file("err"), encoding: .utf8) == "")
    }
}
