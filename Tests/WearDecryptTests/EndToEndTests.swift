import Foundation
import Testing
import WearJOSE
import WearTesting

/// wear-decrypt as a process behind real pipes.
@Suite struct EndToEndTests {
    let scratch: TemporaryDirectory
    let master = MasterKey.generate()

    init() throws {
        scratch = try TemporaryDirectory()
        try KeyFiles.writePrivate(Array((master.hexText + "\n").utf8), to: scratch.file("master.key").path, overwrite: false)
    }

    private func envelope(_ device: String, seq: Int, extra: String = "") -> String {
        let plaintext = #"{"dev":"\#(device)","seq":\#(seq),"ts":1763700000000,"hr":70\#(extra)}"#
        let token = JWE.seal(Array(plaintext.utf8), kid: device, key: master.deviceKey(for: device), enc: .a256gcm)
        return #"{"jwe":"\#(token)","rx":\#(1_763_700_000_000 + seq)}"#
    }

    private func input(records: Int) -> Data {
        var lines: [String] = []
        for seq in 0..<records {
            lines.append(seq % 7 == 3 ? "not a record" : envelope("wr-\(seq % 5)", seq: seq))
            if seq % 11 == 0 { lines.append("") }
        }
        return Data((lines.joined(separator: "\r\n") + "\n").utf8)
    }

    @Test func oneBytePerWriteGivesWhatAllAtOnceGives() throws {
        let data = input(records: 40)
        let arguments = ["--master-key", scratch.file("master.key").path]
        let whole = try ProcessRun.run(try Binaries.url(of: "wear-decrypt"), arguments, input: data)
        let live = try LiveStage("wear-decrypt", arguments)
        live.writeBytewise(data)
        #expect(live.finish() == 0)
        #expect(whole.status == 0)
        #expect(live.stdout == whole.stdout)
        #expect(whole.stdoutLines.count == 34)
        let summary = try LedgerSummary.parse(stderr: live.stderr, stage: "wear-decrypt")
        #expect(summary.recordsIn == 40 && summary.recordsOut == 34 && summary.rejected == 6)
        #expect(summary.byReason == ["bad_json": 6])
        #expect(summary.balances)
    }

    @Test func aLoneRecordComesOutBeforeTheInputEnds() throws {
        let live = try LiveStage("wear-decrypt", ["--master-key", scratch.file("master.key").path])
        live.write(Data((envelope("wr-1", seq: 1) + "\n").utf8))
        #expect(live.wait { $0.stdoutLines.count == 1 })
        #expect(live.finish() == 0)
    }

    @Test func sighupReloadsKeysAndKeepsThemWhenTheNewFileIsInvalid() throws {
        let keys = scratch.file("keys.json").path
        func writeKeys(_ text: String) throws {
            try KeyFiles.writePrivate(Array(text.utf8), to: keys, overwrite: true)
        }
        let key1 = master.deviceKey(for: "wr-1").base64URL, key2 = master.deviceKey(for: "wr-2").base64URL
        try writeKeys(#"{"wr-1":"\#(key1)"}"#)
        let live = try LiveStage("wear-decrypt", ["--keys", keys, "--rejects", scratch.file("rejects.ndjson").path])
        live.write(Data((envelope("wr-2", seq: 1) + "\n" + envelope("wr-1", seq: 2) + "\n").utf8))
        #expect(live.wait { $0.stdoutLines.count == 1 })

        try writeKeys(#"{"wr-1":"\#(key1)","wr-2":"\#(key2)"}"#)
        live.signal(SIGHUP)
        #expect(live.wait { $0.stderr.contains("reloaded configuration (SIGHUP)") })
        live.write(Data((envelope("wr-2", seq: 3) + "\n").utf8))
        #expect(live.wait { $0.stdoutLines.count == 2 })

        try writeKeys(#"{"wr-1": "#)
        live.signal(SIGHUP)
        #expect(live.wait { $0.stderr.contains("reload failed, keeping the previous configuration") })
        live.write(Data((envelope("wr-2", seq: 4) + "\n").utf8))
        #expect(live.wait { $0.stdoutLines.count == 3 })

        #expect(live.finish() == 0)
        #expect(live.stdoutLines.map { $0.contains(#""seq":2"#) || $0.contains(#""seq":3"#) || $0.contains(#""seq":4"#) } == [true, true, true])
        let summary = try LedgerSummary.parse(stderr: live.stderr, stage: "wear-decrypt")
        #expect(summary.recordsIn == 4 && summary.recordsOut == 3 && summary.rejected == 1)
        #expect(summary.byReason == ["unknown_kid": 1])
        #expect(!live.stderr.contains(key1) && !live.stderr.contains(key2))
    }

    @Test func refusesAKeyFileOthersCanReadAndSaysHowToFixIt() throws {
        let path = scratch.file("master.key").path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let binary = try Binaries.url(of: "wear-decrypt")
        let refused = try ProcessRun.run(binary, ["--master-key", "master.key"], input: Data(), directory: scratch.url)
        #expect(refused.status == 78)
        #expect(refused.stderrText == "wear-decrypt: error: refusing key file master.key: readable by others (mode 0644); chmod 600 it or pass --allow-insecure-key-file\n")
        let allowed = try ProcessRun.run(binary, ["--master-key", "master.key", "--allow-insecure-key-file"],
                                         input: Data((envelope("wr-1", seq: 1) + "\n").utf8), directory: scratch.url)
        #expect(allowed.status == 0)
        #expect(allowed.stdoutLines.count == 1)
    }

    @Test func atomicLinesThroughAPipeKeepEveryLineWhole() throws {
        let big = "," + #""blob":""# + String(repeating: "b", count: 4100) + "\""
        var lines: [String] = []
        for seq in 0..<300 { lines.append(envelope("wr-\(seq % 3)", seq: seq, extra: seq % 50 == 0 ? big : "")) }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: scratch.file("in.ndjson"))
        let binary = try Binaries.url(of: "wear-decrypt").path
        let result = try ProcessRun.shell("'\(binary)' --master-key master.key --atomic-lines < in.ndjson | cat", directory: scratch.url)
        #expect(result.status == 0)
        #expect(result.stdoutLines.count == 294)
        #expect(result.stdoutLines.allSatisfy { $0.utf8.count < 4096 && $0.hasPrefix("{\"dev\":") && $0.hasSuffix("}") })
        let summary = try LedgerSummary.parse(stderr: result.stderrText, stage: "wear-decrypt")
        #expect(summary.byReason == ["line_too_long_atomic": 6])
        #expect(summary.balances)
    }

    @Test func exportsKeyCacheMetrics() throws {
        let data = Data((0..<10).map { envelope("wr-\($0 % 4)", seq: $0) + "\n" }.joined().utf8)
        let result = try ProcessRun.run(try Binaries.url(of: "wear-decrypt"),
                                        ["--master-key", "master.key", "--metrics-file", "metrics.prom"],
                                        input: data, directory: scratch.url)
        #expect(result.status == 0)
        let metrics = try String(contentsOf: scratch.file("metrics.prom"), encoding: .utf8)
        for line in [#"wear_decrypt_context_cache_misses_total{stage="wear-decrypt"} 4"#,
                     #"wear_decrypt_context_cache_hits_total{stage="wear-decrypt"} 6"#,
                     #"wear_decrypt_context_cache_entries{stage="wear-decrypt"} 4"#,
                     #"wear_decrypt_context_cache_capacity{stage="wear-decrypt"} 65536"#,
                     #"wear_decrypt_key_cache_misses_total{stage="wear-decrypt"} 4"#,
                     #"wear_decrypt_key_cache_entries{stage="wear-decrypt"} 4"#,
                     #"wear_decrypt_key_cache_capacity{stage="wear-decrypt"} 1048576"#,
                     #"wear_decrypt_master_key_loaded{stage="wear-decrypt"} 1"#,
                     #"wear_records_out_total{stage="wear-decrypt"} 10"#] {
            #expect(metrics.contains(line), "\(line)")
        }
    }
}
