import Foundation
import Testing
import WearJOSE
import WearTesting

/// `wear-decrypt --proxy-protocol` as a process: the header and the records
/// behind a real pipe (as the socket systemd passes would deliver them),
/// refusals with exit 76 and one line, nothing read as records.
@Suite struct ProxyProtocolProcessTests {
    let scratch: TemporaryDirectory
    let master = MasterKey.generate()
    var arguments: [String] { ["--proxy-protocol", "--master-key", scratch.file("master.key").path, "--default-rx", "5"] }

    init() throws {
        scratch = try TemporaryDirectory()
        try KeyFiles.writePrivate(Array((master.hexText + "\n").utf8), to: scratch.file("master.key").path, overwrite: false)
    }

    private func envelopes(_ count: Int) -> String {
        (0..<count).map { seq in
            let device = "wr-\(seq % 3)"
            let plaintext = #"{"dev":"\#(device)","seq":\#(seq),"ts":1763700000000,"hr":70}"#
            let token = JWE.seal(Array(plaintext.utf8), kid: device, key: master.deviceKey(for: device), enc: .a256gcm)
            return #"{"jwe":"\#(token)","src":"10.6.6.6"}"# + "\n"
        }.joined()
    }

    static let header = "PROXY TCP4 127.0.0.1 127.0.0.1 40718 8443\r\n"

    @Test func everyRecordOfTheConnectionCarriesTheHeadersClientAddressFedOneBytePerWrite() throws {
        let input = Data((Self.header + envelopes(12)).utf8)
        let whole = try ProcessRun.run(try Binaries.url(of: "wear-decrypt"), arguments, input: input)
        let live = try LiveStage("wear-decrypt", arguments)
        live.writeBytewise(input)
        #expect(live.finish() == 0, "stderr:\n\(live.stderr)")
        #expect(whole.status == 0, "stderr:\n\(whole.stderrText)")
        #expect(live.stdout == whole.stdout)
        #expect(live.stdoutLines.count == 12)
        for line in live.stdoutLines {
            #expect(line.hasSuffix(#","meta":{"src":"127.0.0.1","src_port":40718}}"#), "\(line)")
        }
        #expect(live.stderr.contains("wear-decrypt: info: PROXY v1 header: client 127.0.0.1:40718, connected to 127.0.0.1:8443"))
        let summary = try LedgerSummary.parse(stderr: live.stderr, stage: "wear-decrypt")
        #expect(summary.recordsIn == 12 && summary.recordsOut == 12 && summary.balances)
    }

    @Test func aV2HeaderInItsOwnWriteBeforeTheData() throws {
        let live = try LiveStage("wear-decrypt", arguments)
        let v2: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x21, 0, 36]
            + [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [7] + [UInt8](repeating: 0, count: 15) + [1] + [0, 80, 1, 187]
        live.write(Data(v2))
        #expect(live.wait { $0.stderr.contains("PROXY v2 header: client [2001:db8::7]:80") })
        live.write(envelopes(2))
        #expect(live.finish() == 0, "stderr:\n\(live.stderr)")
        #expect(live.stdoutLines.count == 2)
        #expect(live.stdoutLines.allSatisfy { $0.hasSuffix(#""meta":{"src":"2001:db8::7","src_port":80}}"#) })
    }

    /// One error line, exit 76, nothing on stdout, no summary: the connection was not read as records.
    @Test(arguments: [
        ("PROXY TCP4 1.1.1.1 1.1.1.1 1 2 3\r\n", "refusing connection: PROXY v1 header: TCP4 must be followed by 4 fields"),
        ("", "refusing connection: no PROXY protocol header: the connection starts with \"{\\\"jwe\\\":\\\"\""),
        ("PROXY TCP4 1.1.1.1 1.1.1.1 1 2\n", "refusing connection: PROXY v1 header: a line feed at byte 31"),
    ])
    func aMissingOrMalformedHeaderRefusesTheConnection(_ header: String, _ message: String) throws {
        let result = try ProcessRun.run(try Binaries.url(of: "wear-decrypt"), arguments, input: Data((header + envelopes(3)).utf8))
        #expect(result.status == 76)
        #expect(result.stdout.isEmpty)
        let lines = result.stderrText.split(separator: "\n")
        #expect(lines.count == 1, "stderr:\n\(result.stderrText)")
        #expect(lines.first?.hasPrefix("wear-decrypt: error: \(message)") == true, "stderr:\n\(result.stderrText)")
    }

    @Test func aSilentConnectionIsRefusedAfterTheHeaderTimeout() throws {
        let live = try LiveStage("wear-decrypt", arguments + ["--proxy-header-timeout", "200ms"])
        live.write("PROXY ")
        #expect(live.waitForExit(upTo: 30) == 76)
        #expect(live.stderr == "wear-decrypt: error: refusing connection: no complete PROXY protocol header within 200ms (6 bytes received)\n")
        live.closeInput()
    }

    @Test func theHeaderIsReadFromStandardInputOnly() throws {
        let result = try ProcessRun.run(try Binaries.url(of: "wear-decrypt"), arguments + ["--input", scratch.file("x").path])
        #expect(result.status == 64)
        #expect(result.stderrText.contains("--proxy-protocol reads the header from standard input (the connection); it cannot be used with --input"))
    }
}
