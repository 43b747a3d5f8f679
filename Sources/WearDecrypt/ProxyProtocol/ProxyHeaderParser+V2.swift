/// Version 2: the 12-byte signature, then
///
///     byte 13   version (high nibble, 2) and command (low: 0 LOCAL, 1 PROXY)
///     byte 14   address family (high: 0 UNSPEC, 1 INET, 2 INET6, 3 UNIX)
///               and transport (low: 0 UNSPEC, 1 STREAM, 2 DGRAM)
///     bytes 15-16  length of what follows, big-endian
///     addresses    INET 12 bytes (source, destination, source port, destination port),
///                  INET6 36, UNIX 216 (two 108-byte paths)
///     TLVs         type (1 byte), length (2, big-endian), value: skipped
///
/// LOCAL (a proxy's health check) carries no client: its block is skipped
/// unread, as the spec says. PROXY with family and transport UNSPEC (0x00)
/// is a client the proxy cannot name. A stream connection with datagram
/// addresses, an unknown family, version or command, a length shorter than
/// the family's addresses, or a TLV that runs past the header is refused.
extension ProxyHeaderParser {
    static func parseV2(_ input: [UInt8]) -> Step {
        guard input.count >= v2FixedLength else { return .needMore(v2FixedLength - input.count) }
        let version = input[12] >> 4, command = input[12] & 0x0F
        guard version == 2 else {
            return .malformed(.v2("version \(version) in byte 13 (expected 2)"))
        }
        guard command <= 1 else {
            return .malformed(.v2("command \(command) in byte 13 (expected 0, LOCAL, or 1, PROXY)"))
        }
        let length = Int(input[14]) << 8 | Int(input[15])
        guard length <= v2MaxBlockLength else {
            return .malformed(.v2("announces \(length) bytes of addresses and TLVs, more than the \(v2MaxBlockLength) accepted"))
        }
        var addressLength = 0
        if command == 1 {
            switch addressBlockLength(family: input[13]) {
            case .success(let needed): addressLength = needed
            case .failure(let error): return .malformed(error)
            }
            guard length >= addressLength else {
                return .malformed(.v2("family \(hex(input[13])) needs \(addressLength) address bytes, the header's length is \(length)"))
            }
        }
        let total = v2FixedLength + length
        guard input.count >= total else { return .needMore(total - input.count) }
        guard command == 1, addressLength > 0 else {
            return .complete(ProxyHeader(version: 2, command: command == 0 ? .local : .unknown), length: total)
        }
        if let error = checkTLVs(input[(v2FixedLength + addressLength)..<total]) { return .malformed(error) }
        let block = Array(input[v2FixedLength..<(v2FixedLength + addressLength)])
        let (source, destination) = addresses(block, family: input[13])
        return .complete(ProxyHeader(version: 2, command: .proxy(source: source, destination: destination)), length: total)
    }

    /// The size of the address block for a PROXY command's family byte (0 for UNSPEC), or why it is refused.
    private static func addressBlockLength(family byte: UInt8) -> Result<Int, ProxyHeaderError> {
        switch byte {
        case 0x00: return .success(0)
        case 0x11: return .success(12)
        case 0x21: return .success(36)
        case 0x31: return .success(216)
        case 0x12, 0x22, 0x32:
            return .failure(.v2("family \(hex(byte)) is a datagram (UDP) connection; this is a stream"))
        default:
            return .failure(.v2("family and transport \(hex(byte)) in byte 14 (expected 0x11 TCP4, 0x21 TCP6, 0x31 UNIX stream or 0x00)"))
        }
    }

    /// Walks the TLVs after the addresses: each must fit in what is left.
    private static func checkTLVs(_ tlvs: ArraySlice<UInt8>) -> ProxyHeaderError? {
        var offset = tlvs.startIndex
        while offset < tlvs.endIndex {
            let left = tlvs.endIndex - offset
            guard left >= 3 else {
                return .v2("\(left) bytes left at byte \(offset + 1), too few for a TLV (3 at least)")
            }
            let type = tlvs[offset], valueLength = Int(tlvs[offset + 1]) << 8 | Int(tlvs[offset + 2])
            guard valueLength <= left - 3 else {
                return .v2("TLV type \(hex(type)) at byte \(offset + 1) announces \(valueLength) bytes, \(left - 3) are left in the header")
            }
            offset += 3 + valueLength
        }
        return nil
    }

    private static func addresses(_ block: [UInt8], family: UInt8) -> (ProxyAddress, ProxyAddress) {
        func port(_ at: Int) -> Int { Int(block[at]) << 8 | Int(block[at + 1]) }
        switch family {
        case 0x11:
            return (ProxyAddress(family: .tcp4, host: addressText(block[0..<4], family: .tcp4), port: port(8)),
                    ProxyAddress(family: .tcp4, host: addressText(block[4..<8], family: .tcp4), port: port(10)))
        case 0x21:
            return (ProxyAddress(family: .tcp6, host: addressText(block[0..<16], family: .tcp6), port: port(32)),
                    ProxyAddress(family: .tcp6, host: addressText(block[16..<32], family: .tcp6), port: port(34)))
        default:
            return (ProxyAddress(family: .unix, host: unixPath(block[0..<108]), port: nil),
                    ProxyAddress(family: .unix, host: unixPath(block[108..<216]), port: nil))
        }
    }

    /// A sun_path: up to the first NUL; an abstract name (leading NUL) as `@name`, trailing NULs dropped.
    private static func unixPath(_ raw: ArraySlice<UInt8>) -> String {
        if raw.first == 0 {
            var name = raw.dropFirst()
            while name.last == 0 { name = name.dropLast() }
            return name.isEmpty ? "" : "@" + String(decoding: name, as: UTF8.self)
        }
        return String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return "0x" + (digits.count == 1 ? "0" + digits : digits)
    }
}
