import Testing
@testable import WearDecrypt

/// PROXY protocol headers (haproxy's proxy-protocol.txt), v1 and v2, with
/// the spec's examples, fed all at once and one byte at a time, and hostile
/// inputs refused with a message that says what was wrong.
@Suite struct ProxyHeaderParserTests {
    static let ffff = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"

    static func tcp4(_ source: String, _ sourcePort: Int, _ destination: String, _ destinationPort: Int, version: Int) -> ProxyHeader {
        ProxyHeader(version: version, command: .proxy(source: ProxyAddress(family: .tcp4, host: source, port: sourcePort),
                                                      destination: ProxyAddress(family: .tcp4, host: destination, port: destinationPort)))
    }

    static func tcp6(_ source: String, _ sourcePort: Int, _ destination: String, _ destinationPort: Int, version: Int) -> ProxyHeader {
        ProxyHeader(version: version, command: .proxy(source: ProxyAddress(family: .tcp6, host: source, port: sourcePort),
                                                      destination: ProxyAddress(family: .tcp6, host: destination, port: destinationPort)))
    }

    /// The v2 header: signature, version/command, family, length, then `block`.
    static func v2(_ versionCommand: UInt8, _ family: UInt8, _ block: [UInt8], length: Int? = nil) -> [UInt8] {
        let length = length ?? block.count
        return ProxyHeaderParser.v2Signature + [versionCommand, family, UInt8(length >> 8), UInt8(length & 0xFF)] + block
    }

    static let v4Block: [UInt8] = [192, 0, 2, 7, 198, 51, 100, 1, 0xDC, 0x04, 0x01, 0xBB] // ports 56324, 443
    static let v6Block: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [7]
        + [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1] + [0xDC, 0x04, 0x01, 0xBB]
    static func unixBlock(_ source: String, _ destination: String) -> [UInt8] {
        func path(_ text: String) -> [UInt8] { Array(text.utf8) + [UInt8](repeating: 0, count: 108 - text.utf8.count) }
        return path(source) + path(destination)
    }

    /// Valid headers and what they say.
    static let valid: [(name: String, bytes: [UInt8], header: ProxyHeader)] = [
        ("v1 TCP4, the spec's example", Array("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n".utf8),
         tcp4("192.168.0.1", 56324, "192.168.0.11", 443, version: 1)),
        ("v1 TCP4, the longest", Array("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n".utf8),
         tcp4("255.255.255.255", 65535, "255.255.255.255", 65535, version: 1)),
        ("v1 TCP6, the longest", Array("PROXY TCP6 \(ffff) \(ffff) 65535 65535\r\n".utf8),
         tcp6(ffff, 65535, ffff, 65535, version: 1)),
        ("v1 TCP6, made canonical", Array("PROXY TCP6 2001:DB8:0:0::7 ::1 1 0\r\n".utf8),
         tcp6("2001:db8::7", 1, "::1", 0, version: 1)),
        ("v1 UNKNOWN, the shortest", Array("PROXY UNKNOWN\r\n".utf8), ProxyHeader(version: 1, command: .unknown)),
        ("v1 UNKNOWN, the longest (107 bytes)", Array("PROXY UNKNOWN \(ffff) \(ffff) 65535 65535\r\n".utf8),
         ProxyHeader(version: 1, command: .unknown)),
        ("v1 from nginx on loopback", Array("PROXY TCP4 127.0.0.1 127.0.0.1 40718 8443\r\n".utf8),
         tcp4("127.0.0.1", 40718, "127.0.0.1", 8443, version: 1)),
        ("v2 PROXY TCP4", v2(0x21, 0x11, v4Block), tcp4("192.0.2.7", 56324, "198.51.100.1", 443, version: 2)),
        ("v2 PROXY TCP6", v2(0x21, 0x21, v6Block), tcp6("2001:db8::7", 56324, "2001:db8::1", 443, version: 2)),
        ("v2 PROXY TCP4 with TLVs (ALPN h2, NOOP, SSL)", v2(0x21, 0x11, v4Block + [0x01, 0, 2, 0x68, 0x32, 0x04, 0, 0, 0x20, 0, 5, 1, 0, 0, 0, 0]),
         tcp4("192.0.2.7", 56324, "198.51.100.1", 443, version: 2)),
        ("v2 PROXY UNIX", v2(0x21, 0x31, unixBlock("/run/client.sock", "/run/wear/ingest.sock")),
         ProxyHeader(version: 2, command: .proxy(source: ProxyAddress(family: .unix, host: "/run/client.sock", port: nil),
                                                 destination: ProxyAddress(family: .unix, host: "/run/wear/ingest.sock", port: nil)))),
        ("v2 LOCAL, no addresses", v2(0x20, 0x00, []), ProxyHeader(version: 2, command: .local)),
        ("v2 LOCAL with an address block, skipped", v2(0x20, 0x11, v4Block), ProxyHeader(version: 2, command: .local)),
        ("v2 PROXY UNSPEC", v2(0x21, 0x00, [1, 2, 3]), ProxyHeader(version: 2, command: .unknown)),
    ]

    @Test(arguments: valid.indices)
    func aCompleteHeaderIsReadAllAtOnceAndItsDataIsLeft(_ index: Int) {
        let (name, bytes, header) = Self.valid[index]
        let data = Array(#"{"jwe":"x"}"#.utf8) + [0x0A]
        #expect(ProxyHeaderParser.parse(bytes) == .complete(header, length: bytes.count), "\(name)")
        #expect(ProxyHeaderParser.parse(bytes + data) == .complete(header, length: bytes.count), "\(name)")
    }

    /// Byte at a time: every prefix asks for more, never for a byte past the header's end.
    @Test(arguments: valid.indices)
    func eachPrefixAsksForMoreButNeverPastTheHeader(_ index: Int) {
        let (name, bytes, header) = Self.valid[index]
        for count in 0..<bytes.count {
            guard case .needMore(let wanted) = ProxyHeaderParser.parse(bytes[0..<count]) else {
                Issue.record("\(name): \(count) bytes gave \(ProxyHeaderParser.parse(bytes[0..<count]))")
                return
            }
            #expect(wanted >= 1 && wanted <= bytes.count - count, "\(name): after \(count) bytes it asks for \(wanted)")
        }
        #expect(ProxyHeaderParser.parse(bytes) == .complete(header, length: bytes.count))
    }

    /// A reader that takes exactly what the parser asks for lands on the data's first byte.
    @Test(arguments: valid.indices)
    func readingWhatItAsksForConsumesExactlyTheHeader(_ index: Int) {
        let (_, bytes, header) = Self.valid[index]
        let stream = bytes + Array("DATA".utf8)
        var received: [UInt8] = []
        while case .needMore(let wanted) = ProxyHeaderParser.parse(received) {
            received += stream[received.count..<min(stream.count, received.count + wanted)]
        }
        #expect(ProxyHeaderParser.parse(received) == .complete(header, length: received.count))
        #expect(received.count == bytes.count)
    }

    static let refused: [(name: String, bytes: [UInt8], message: String)] = [
        ("an envelope, no header", Array(#"{"jwe":"eyJhbGciOi"}"#.utf8),
         #"no PROXY protocol header: the connection starts with "{\"jwe\":\"" (an envelope: the proxy in front must send a PROXY header, nginx's `proxy_protocol on`)"#),
        ("a TLS ClientHello", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01],
         #"no PROXY protocol header: the connection starts with "\x16\x03\x01\x02\x00\x01" (a TLS handshake: the proxy in front must terminate TLS)"#),
        ("lower case", Array("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n".utf8),
         #"no PROXY protocol header: the connection starts with "proxy TC""#),
        ("v1 TCP5", Array("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n".utf8),
         #"PROXY v1 header: protocol "TCP5" is not TCP4, TCP6 or UNKNOWN"#),
        ("v1 without CRLF in 107 bytes", Array(("PROXY UNKNOWN " + String(repeating: "a", count: 100)).utf8),
         "PROXY v1 header: no CRLF within 107 bytes (the longest v1 header)"),
        ("v1 of 108 bytes", Array("PROXY UNKNOWN \(ffff) \(ffff) 65535 655350\r\n".utf8),
         "PROXY v1 header: no CRLF within 107 bytes (the longest v1 header)"),
        ("v1 with a bare LF", Array("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n".utf8),
         "PROXY v1 header: a line feed at byte 31 without a carriage return before it"),
        ("v1 with CR not followed by LF", Array("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX".utf8),
         "PROXY v1 header: a carriage return at byte 31 is not followed by a line feed"),
        ("v1 with a NUL", Array("PROXY TCP4 1.2.3.4\u{0} 5.6.7.8 1 2\r\n".utf8),
         #"PROXY v1 header: byte 19 is "\x00", not printable ASCII"#),
        ("v1 TCP4 with an IPv6 address", Array("PROXY TCP4 ::1 127.0.0.1 1 2\r\n".utf8),
         #"PROXY v1 header: TCP4 source address "::1" is not an IPv4 address"#),
        ("v1 TCP6 with an IPv4 address", Array("PROXY TCP6 ::1 127.0.0.1 1 2\r\n".utf8),
         #"PROXY v1 header: TCP6 destination address "127.0.0.1" is not an IPv6 address"#),
        ("v1 bad IPv4", Array("PROXY TCP4 256.1.1.1 1.1.1.1 1 2\r\n".utf8),
         #"PROXY v1 header: TCP4 source address "256.1.1.1" is not an IPv4 address"#),
        ("v1 port out of range", Array("PROXY TCP4 1.1.1.1 1.1.1.1 65536 2\r\n".utf8),
         #"PROXY v1 header: source port "65536" is not a decimal number 0-65535 without leading zeros"#),
        ("v1 port with a leading zero", Array("PROXY TCP4 1.1.1.1 1.1.1.1 1 0443\r\n".utf8),
         #"PROXY v1 header: destination port "0443" is not a decimal number 0-65535 without leading zeros"#),
        ("v1 missing a field", Array("PROXY TCP4 1.1.1.1 1.1.1.1 1\r\n".utf8),
         "PROXY v1 header: TCP4 must be followed by 4 fields (source and destination address, source and destination port) separated by single spaces; found 3"),
        ("v1 two spaces", Array("PROXY TCP4 1.1.1.1  1.1.1.1 1 2\r\n".utf8),
         "PROXY v1 header: TCP4 must be followed by 4 fields (source and destination address, source and destination port) separated by single spaces; found 5"),
        ("v1 an extra field", Array("PROXY TCP4 1.1.1.1 1.1.1.1 1 2 3\r\n".utf8),
         "PROXY v1 header: TCP4 must be followed by 4 fields (source and destination address, source and destination port) separated by single spaces; found 5"),
        ("v2 version 1", v2(0x11, 0x11, v4Block), "PROXY v2 header: version 1 in byte 13 (expected 2)"),
        ("v2 command 2", v2(0x22, 0x11, v4Block), "PROXY v2 header: command 2 in byte 13 (expected 0, LOCAL, or 1, PROXY)"),
        ("v2 oversize length", v2(0x21, 0x11, v4Block, length: 0xFFFF),
         "PROXY v2 header: announces 65535 bytes of addresses and TLVs, more than the 4096 accepted"),
        ("v2 TCP4 with 8 address bytes", v2(0x21, 0x11, Array(v4Block.prefix(8))),
         "PROXY v2 header: family 0x11 needs 12 address bytes, the header's length is 8"),
        ("v2 TCP6 with TCP4's length", v2(0x21, 0x21, v4Block),
         "PROXY v2 header: family 0x21 needs 36 address bytes, the header's length is 12"),
        ("v2 UNIX with TCP6's length", v2(0x21, 0x31, v6Block),
         "PROXY v2 header: family 0x31 needs 216 address bytes, the header's length is 36"),
        ("v2 UDP", v2(0x21, 0x12, v4Block), "PROXY v2 header: family 0x12 is a datagram (UDP) connection; this is a stream"),
        ("v2 unknown family", v2(0x21, 0x41, v4Block),
         "PROXY v2 header: family and transport 0x41 in byte 14 (expected 0x11 TCP4, 0x21 TCP6, 0x31 UNIX stream or 0x00)"),
        ("v2 TLV past the end", v2(0x21, 0x11, v4Block + [0x20, 0, 10, 1, 2]),
         "PROXY v2 header: TLV type 0x20 at byte 29 announces 10 bytes, 2 are left in the header"),
        ("v2 TLV header cut", v2(0x21, 0x11, v4Block + [0x04, 0]),
         "PROXY v2 header: 2 bytes left at byte 29, too few for a TLV (3 at least)"),
    ]

    @Test(arguments: refused.indices)
    func aMalformedHeaderIsRefusedSayingWhatWasWrong(_ index: Int) {
        let (name, bytes, message) = Self.refused[index]
        #expect(ProxyHeaderParser.parse(bytes) == .malformed(ProxyHeaderError(message)), "\(name)")
    }

    /// Fed one byte at a time, a malformed header is refused with the same
    /// message, no later than all at once, and never after a complete header.
    @Test(arguments: refused.indices)
    func aMalformedHeaderFedBytewiseIsRefusedTheSameWay(_ index: Int) {
        let (name, bytes, message) = Self.refused[index]
        for count in 0...bytes.count {
            switch ProxyHeaderParser.parse(bytes[0..<count]) {
            case .needMore: continue
            case .complete(let header, _):
                Issue.record("\(name): \(count) bytes gave a header \(header)")
            case .malformed(let error):
                // A missing header is refused at its first wrong byte, quoting what had come;
                // v1's field checks run at the CRLF and v2's once its block is in: the whole input.
                if message.hasPrefix("no PROXY protocol header") {
                    #expect(error.message.hasPrefix("no PROXY protocol header: the connection starts with "), "\(name)")
                    #expect(count == 1, "\(name): refused only after \(count) bytes")
                } else {
                    #expect(error.message == message, "\(name) after \(count) bytes")
                }
            }
            return
        }
        Issue.record("\(name): never refused")
    }

    /// A truncated header is incomplete, not refused: the reader refuses it at end of input.
    @Test(arguments: [Array("PROXY TCP4 1.2.3.4 ".utf8), Array(v2(0x21, 0x11, v4Block).prefix(20)),
                      Array(ProxyHeaderParser.v2Signature.prefix(5))])
    func aTruncatedHeaderAsksForMore(_ bytes: [UInt8]) {
        guard case .needMore = ProxyHeaderParser.parse(bytes) else {
            Issue.record("\(ProxyHeaderParser.parse(bytes))")
            return
        }
    }

    @Test func anEmptyInputAsksForTheShortestHeader() {
        #expect(ProxyHeaderParser.parse([UInt8]()) == .needMore(15))
    }
}
