import Foundation
import Testing
import WearCore
import WearJOSE

@Suite struct KeyFilesTests {
    let folder: URL
    let master = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("wear-keyfiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    private func write(_ name: String, _ text: String, mode: Int) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url.path
    }

    @Test func readsAPrivateMasterKeyFile() throws {
        let path = try write("master.key", master + "\n", mode: 0o600)
        #expect(try KeyFiles.loadMasterKey(path: path, allowInsecure: false).hexText == master)
    }

    @Test(arguments: [
        (0o644, "readable by others (mode 0644)"), (0o604, "readable by others (mode 0604)"),
        (0o606, "readable and writable by others (mode 0606)"), (0o602, "writable by others (mode 0602)"),
        (0o640, "readable by group (mode 0640)"), (0o620, "writable by group (mode 0620)"),
        (0o660, "readable and writable by group (mode 0660)"),
    ])
    func refusesKeyFilesOthersCanReadOrWriteAsSshDoes(_ mode: Int, _ problem: String) throws {
        let path = try write("master.key", master, mode: mode)
        do {
            _ = try KeyFiles.loadMasterKey(path: path, allowInsecure: false)
            Issue.record("accepted a key file of mode \(String(mode, radix: 8))")
        } catch let failure as StageFailure {
            #expect(failure.status == .config)
            #expect(failure.message == "refusing key file \(path): \(problem); chmod 600 it or pass --allow-insecure-key-file")
        }
        #expect(try KeyFiles.loadMasterKey(path: path, allowInsecure: true).hexText == master)
    }

    @Test func acceptsOwnerOnlyModes() throws {
        for mode in [0o400, 0o600, 0o700] {
            let path = try write("k\(mode).key", master, mode: mode)
            #expect(try KeyFiles.loadMasterKey(path: path, allowInsecure: false).hexText == master)
        }
    }

    @Test func aMissingKeyFileExitsWithNoInput() {
        let path = folder.appendingPathComponent("absent.key").path
        #expect(throws: StageFailure.self) { try KeyFiles.loadKeys(path: path, allowInsecure: false) }
        do {
            _ = try KeyFiles.loadKeys(path: path, allowInsecure: false)
        } catch let failure as StageFailure {
            #expect(failure.status == .noInput)
            #expect(failure.message == "cannot read key file \(path): No such file or directory")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func readsKeysJSON() throws {
        let k256 = Base64URL.encode([UInt8](repeating: 7, count: 32)), k128 = Base64URL.encode([UInt8](repeating: 9, count: 16))
        let path = try write("keys.json", #"{"wr-1": "\#(k256)", "wr-2": "\#(k128)"}"#, mode: 0o600)
        let keys = try KeyFiles.loadKeys(path: path, allowInsecure: false)
        #expect(keys.mapValues(\.base64URL) == ["wr-1": k256, "wr-2": k128])
    }

    @Test(arguments: [
        ("{\n  \"wr-1\": \"SECRETSECRETSECRETSECRETSECRETSECRETSECRETS\" \"wr-2\"}", "keys.json:2:"),
        ("[]", "keys.json:1:1: expected a JSON object mapping device ids to base64url keys"),
        ("{\n\n   \"wr-2\": 42}", "keys.json:3:4: the key of device \"wr-2\" must be a base64url string"),
        ("{\"wr-3\": \"AAAA\"}", "keys.json:1:2: the key of device \"wr-3\" is not usable: a device key must be 16 or 32 bytes, found 3 bytes"),
        ("{\"wr-4\": \"not base64!\"}", "keys.json:1:2: the key of device \"wr-4\" is not usable: a device key must be base64url text"),
        ("{\"\": \"\(Base64URL.encode([UInt8](repeating: 1, count: 32)))\"}", "keys.json:1:2: a device id must be 1 to 256 bytes long"),
    ])
    func refusesInvalidKeysJSONWithThePositionAndNoKeyMaterial(_ text: String, _ expected: String) throws {
        let path = try write("keys.json", text, mode: 0o600)
        do {
            _ = try KeyFiles.loadKeys(path: path, allowInsecure: false)
            Issue.record("accepted \(text)")
        } catch let error as ConfigError {
            let message = error.description.replacingOccurrences(of: folder.path + "/", with: "")
            #expect(message.hasPrefix(expected), "\(message)")
            #expect(!message.contains("SECRET"))
            #expect(error.failure.status == .config)
        }
    }

    @Test func refusesAMasterKeyOfTheWrongLengthWithoutEchoingIt() throws {
        let path = try write("master.key", "00112233", mode: 0o600)
        do {
            _ = try KeyFiles.loadMasterKey(path: path, allowInsecure: false)
            Issue.record("accepted a short master key")
        } catch let error as ConfigError {
            #expect(error.description == "\(path):1:1: a master key must be 32 bytes, found 4 bytes of base64 text"
                    || error.description == "\(path):1:1: a master key must be 32 bytes, found 6 bytes of base64 text")
            #expect(!error.description.contains("00112233"))
        }
    }

    @Test func writesPrivateFilesAndRefusesToOverwriteUnlessAsked() throws {
        let path = folder.appendingPathComponent("new.key").path
        try KeyFiles.writePrivate(Array("one\n".utf8), to: path, overwrite: false)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(throws: StageFailure.self) { try KeyFiles.writePrivate(Array("two\n".utf8), to: path, overwrite: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try KeyFiles.writePrivate(Array("three\n".utf8), to: path, overwrite: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "three\n")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
    }

    @Test func describesOwnershipProblems() {
        #expect(KeyFiles.accessProblem(mode: 0o100600, owner: 1000, currentUser: 1000) == nil)
        #expect(KeyFiles.accessProblem(mode: 0o100600, owner: 0, currentUser: 1000) == nil)
        #expect(KeyFiles.accessProblem(mode: 0o100600, owner: 1001, currentUser: 1000)
                == "owned by uid 1001, not by the user running this program (uid 1000) or root")
    }
}
