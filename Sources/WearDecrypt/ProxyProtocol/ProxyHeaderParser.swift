/// Parses a PROXY protocol header (haproxy's proxy-protocol.txt, v1 text
/// and v2 binary) from the first bytes of a connection. Pure: it is given
/// the bytes received so far and says whether they hold a complete header,
/// a malformed one, or how many more bytes to read.
///
/// Written by hand: no package this project uses parses PROXY protocol
/// (swift-nio-extras 1.35 has none; NIO's own handlers would also need an
/// event loop around a stage that reads its socket with read(2)).
///
/// `needMore(n)` never asks for a byte past the header's end, whatever the
/// peer sends next, so a reader that reads at most `n` bytes at a time
/// leaves the first byte of data unread for the stage: v2 says its length
/// after 16 bytes; v1 ends with CRLF, so without a CR at the end of what
/// has arrived at least two bytes are still to come.
public enum ProxyHeaderParser {
    public enum Step: Equatable, Sendable {
        /// The bytes so far are a header's beginning: read up to this many more (≥ 1).
        case needMore(Int)
        /// A complete header, the first `length` bytes of the input.
        case complete(ProxyHeader, length: Int)
        case malformed(ProxyHeaderError)
    }

    /// The v1 line's limit, CRLF included (the spec's 107: `PROXY UNKNOWN` with two full IPv6 addresses and ports).
    public static let v1MaxLength = 107
    /// The shortest v1 header, `PROXY UNKNOWN\r\n`.
    static let v1MinLength = 15
    static let v1Prefix: [UInt8] = Array("PROXY ".utf8)
    /// The v2 signature: `\r\n\r\n\0\r\nQUIT\n`.
    public static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// Signature, version and command, family and transport, length.
    static let v2FixedLength = 16
    /// The most bytes of addresses and TLVs a v2 header may announce. The
    /// format allows 65,535; real proxies send at most a few hundred (216
    /// for two UNIX paths, plus small TLVs), so a larger announcement is
    /// refused rather than waited for.
    public static let v2MaxBlockLength = 4096

    /// What `bytes` (the input from its first byte) hold.
    public static func parse(_ bytes: some Collection<UInt8>) -> Step {
        let input = Array(bytes)
        if startsLikeV2(input) { return parseV2(input) }
        if startsLikeV1(input) { return parseV1(input) }
        return .malformed(.missing(startingWith: input))
    }

    /// True when `input` matches the v2 signature as far as it goes (nothing yet counts).
    private static func startsLikeV2(_ input: [UInt8]) -> Bool {
        !input.isEmpty && input.prefix(v2Signature.count).elementsEqual(v2Signature.prefix(min(input.count, v2Signature.count)))
    }

    private static func startsLikeV1(_ input: [UInt8]) -> Bool {
        input.prefix(v1Prefix.count).elementsEqual(v1Prefix.prefix(min(input.count, v1Prefix.count)))
    }
}
