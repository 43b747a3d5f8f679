import Foundation
import Glibc
import Testing
import WearCore
import WearJOSE
import WearTesting
import WearTools

@Suite("wear keys")
struct KeyToolTests {
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("keys new writes a 0600 hex master key and refuses to overwrite it")
    func newMasterKey() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("master.key").path
        try KeyTool.newMasterKey(path: path)
        #expect(try mode(path) == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.count == 65 && text.hasSuffix("\n"))
        _ = try MasterKey(text: text)
        #expect(throws: StageFailure.self) { try KeyTool.newMasterKey(path: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test("the binary's keys new refuses an existing file with status 74 and says why")
    func newMasterKeyBinary() throws {
        let directory = try TemporaryDirectory()
        let wear = try Binaries.url(of: "wear")
        let first = try ProcessRun.run(wear, ["keys", "new", "--out", "m.key"], directory: directory.url)
        #expect(first.status == 0)
        #expect(try mode(directory.file("m.key").path) == 0o600)
        let second = try ProcessRun.run(wear, ["keys", "new", "--out", "m.key"], directory: directory.url)
        #expect(second.status == 74)
        #expect(second.stderrText == "wear keys new: error: refusing to overwrite m.key: the file exists; choose another path: a master key is never replaced\n")
    }

    @Test("derive and export give the keys wear-decrypt derives")
    func deriveAndExport() throws {
        let master = try SimSupport.masterKey()
        let directory = try TemporaryDirectory()
        let printed = directory.file("derived.txt").path
        let fd = open(printed, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        try KeyTool.printDerived(master: master, devices: ["wr-000001", "gw/7"], to: fd)
        close(fd)
        let lines = try String(contentsOfFile: printed, encoding: .utf8)
        #expect(lines == "wr-000001\t\(master.deviceKey(for: "wr-000001").base64URL)\ngw/7\t\(master.deviceKey(for: "gw/7").base64URL)\n")
        let path = directory.file("keys.json").path
        try KeyTool.writeKeys(KeyTool.keysDocument(master: master, devices: KeyTool.fleet(3)), to: path, overwrite: false)
        #expect(try mode(path) == 0o600)
        let keys = try KeyFiles.loadKeys(path: path, allowInsecure: false)
        #expect(keys.keys.sorted() == ["wr-000001", "wr-000002", "wr-000003"])
        #expect(keys["wr-000002"] == master.deviceKey(for: "wr-000002"))
    }

    @Test("a device list skips comments and blank lines and refuses duplicates")
    func deviceList() throws {
        #expect(try DeviceList.parse("# fleet\nwr-1\n\n  wr-2  # spare\n", source: "d.txt") == ["wr-1", "wr-2"])
        #expect(throws: StageFailure.self) { try DeviceList.parse("wr-1\nwr-1\n", source: "d.txt") }
        do {
            _ = try DeviceList.parse("wr-1\nwr-1\n", source: "d.txt")
        } catch {
            #expect(error.message == "d.txt:2:1: device \"wr-1\" is listed twice (first on line 1)")
        }
    }
}
