import Foundation
import Glibc
import Testing
import WearCore
@testable import WearDecrypt

/// The reader on a real pipe: it takes the header however the writes split
/// it and leaves every byte after it for the runner; a missing, truncated,
/// late or malformed header is one refusal with status 76.
@Suite struct ProxyHeaderReaderTests {
    /// A pipe whose write end a thread feeds `chunks` (then closes, if `close`).
    private func pipe(feeding chunks: [[UInt8]], close closeAfter: Bool = true) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        _ = Glibc.pipe(&fds)
        let writer = fds[1]
        Thread.detachNewThread {
            for chunk in chunks {
                _ = chunk.withUnsafeBytes { Glibc.write(writer, $0.baseAddress, $0.count) }
                usleep(200)
            }
            if closeAfter { Glibc.close(writer) }
        }
        return (fds[0], writer)
    }

    private func rest(of fd: Int32) -> [UInt8] {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            all += buffer[0..<count]
        }
        return all
    }

    private func refusal(_ chunks: [[UInt8]], timeout: Duration = .seconds(10), close: Bool = true) -> StageFailure? {
        let (fd, writer) = pipe(feeding: chunks, close: close)
        defer {
            Glibc.close(fd)
            if !close { Glibc.close(writer) }
        }
        do {
            let header = try ProxyHeaderReader(fd: fd, timeout: timeout).read()
            Issue.record("read a header: \(header)")
            return nil
        } catch {
            return error
        }
    }

    static let header = Array("PROXY TCP4 127.0.0.1 127.0.0.1 40718 8443\r\n".utf8)
    static let data = Array((#"{"jwe":"a.b.c.d.e"}"# + "\n" + #"{"jwe":"f.g.h.i.j"}"# + "\n").utf8)

    @Test(arguments: ["one byte per write", "header and data in one write", "header split, then data", "v2, split"])
    func takesTheHeaderAndLeavesEveryByteOfDataUnread(_ split: String) throws {
        let v2 = ProxyHeaderParserTests.v2(0x21, 0x11, ProxyHeaderParserTests.v4Block)
        let chunks: [[UInt8]]
        switch split {
        case "one byte per write": chunks = (Self.header + Self.data).map { [$0] }
        case "header and data in one write": chunks = [Self.header + Self.data]
        case "header split, then data": chunks = [Array(Self.header[0..<7]), Array(Self.header[7..<40]), Array(Self.header[40...]), Self.data]
        default: chunks = [Array(v2[0..<3]), Array(v2[3..<17]), Array(v2[17...]) + Self.data]
        }
        let (fd, _) = pipe(feeding: chunks)
        defer { close(fd) }
        let header = try ProxyHeaderReader(fd: fd, timeout: .seconds(10)).read()
        if split == "v2, split" {
            #expect(header.source == ProxyAddress(family: .tcp4, host: "192.0.2.7", port: 56324))
        } else {
            #expect(header.source == ProxyAddress(family: .tcp4, host: "127.0.0.1", port: 40718))
        }
        #expect(rest(of: fd) == Self.data)
    }

    @Test func aConnectionClosedBeforeAnyByteIsRefused() {
        let failure = refusal([])
        #expect(failure?.status == .protocolError)
        #expect(failure?.message == "refusing connection: the connection closed before sending a PROXY protocol header")
    }

    @Test func aConnectionClosedInsideTheHeaderIsRefused() {
        #expect(refusal([Array(Self.header[0..<20])])?.message
                == "refusing connection: the connection closed after 20 bytes of a PROXY v1 header")
        let v2 = ProxyHeaderParserTests.v2(0x21, 0x11, ProxyHeaderParserTests.v4Block)
        #expect(refusal([Array(v2[0..<18])])?.message == "refusing connection: the connection closed after 18 bytes of a PROXY v2 header")
    }

    @Test func aSilentConnectionIsRefusedAtTheTimeout() {
        let failure = refusal([Array(Self.header[0..<4])], timeout: .milliseconds(100), close: false)
        #expect(failure?.status == .protocolError)
        #expect(failure?.message == "refusing connection: no complete PROXY protocol header within 100ms (4 bytes received)")
    }

    @Test func aMalformedHeaderIsRefusedWithTheParsersMessage() {
        let failure = refusal([Array("PROXY TCP4 1.1.1.1 1.1.1.1 99999 1\r\n".utf8) + Self.data])
        #expect(failure?.status == .protocolError)
        #expect(failure?.message == #"refusing connection: PROXY v1 header: source port "99999" is not a decimal number 0-65535 without leading zeros"#)
    }

    @Test func dataWithoutAHeaderIsRefusedAtItsFirstByte() {
        let failure = refusal([Self.data])
        #expect(failure?.message.hasPrefix(#"refusing connection: no PROXY protocol header: the connection starts with "{\"jwe\":\"""#) == true)
    }
}
