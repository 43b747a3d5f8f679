import Glibc

/// Version 1: one line of printable ASCII ending in CRLF, at most 107 bytes:
///
///     PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n
///     PROXY TCP6 2001:db8::7 2001:db8::1 56324 443\r\n
///     PROXY UNKNOWN\r\n                      (anything up to the CRLF is ignored)
///
/// Fields are separated by exactly one space; addresses must be of the
/// protocol's family (`inet_pton`) and are kept in canonical form; ports are
/// decimal 0-65535 without leading zeros, as every sender prints them.
extension ProxyHeaderParser {
    static func parseV1(_ input: [UInt8]) -> Step {
        // The CR of the CRLF is at most byte 106 (index 105).
        for (index, byte) in input.prefix(v1MaxLength - 1).enumerated() {
            switch byte {
            case 0x0D:
                guard index + 1 < input.count else { return .needMore(1) }
                guard input[index + 1] == 0x0A else {
                    return .malformed(.v1("a carriage return at byte \(index + 1) is not followed by a line feed"))
                }
                switch parseV1Line(String(decoding: input[0..<index], as: UTF8.self)) {
                case .success(let header): return .complete(header, length: index + 2)
                case .failure(let error): return .malformed(error)
                }
            case 0x0A:
                return .malformed(.v1("a line feed at byte \(index + 1) without a carriage return before it"))
            case 0x20...0x7E:
                continue
            default:
                return .malformed(.v1("byte \(index + 1) is \(ProxyHeaderError.quoted([byte])), not printable ASCII"))
            }
        }
        // No CR yet: the CRLF is still to come (two bytes at least), and it must end by byte 107.
        if input.count >= v1MaxLength - 1 {
            return .malformed(.v1("no CRLF within \(v1MaxLength) bytes (the longest v1 header)"))
        }
        return .needMore(max(2, v1MinLength - input.count))
    }

    /// The line without its CRLF (printable ASCII, starting with `PROXY `).
    private static func parseV1Line(_ line: String) -> Result<ProxyHeader, ProxyHeaderError> {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let proto = fields.count > 1 ? fields[1] : ""
        let family: ProxyAddress.Family
        switch proto {
        case "UNKNOWN": return .success(ProxyHeader(version: 1, command: .unknown))
        case "TCP4": family = .tcp4
        case "TCP6": family = .tcp6
        default:
            return .failure(.v1("protocol \(ProxyHeaderError.quoted(proto.utf8.prefix(16))) is not TCP4, TCP6 or UNKNOWN"))
        }
        guard fields.count == 6, !fields.contains("") else {
            return .failure(.v1("\(proto) must be followed by 4 fields (source and destination address, source and "
                                + "destination port) separated by single spaces; found \(fields.count - 2)"))
        }
        do {
            let source = try address(fields[2], family: family, role: "source", port: fields[4])
            let destination = try address(fields[3], family: family, role: "destination", port: fields[5])
            return .success(ProxyHeader(version: 1, command: .proxy(source: source, destination: destination)))
        } catch {
            return .failure(error)
        }
    }

    private static func address(_ text: String, family: ProxyAddress.Family, role: String,
                                port portText: String) throws(ProxyHeaderError) -> ProxyAddress {
        guard let host = canonicalAddress(text, family: family) else {
            let kind = family == .tcp4 ? "an IPv4" : "an IPv6"
            throw .v1("\(family.rawValue) \(role) address \(ProxyHeaderError.quoted(text.utf8.prefix(48))) is not \(kind) address")
        }
        guard let port = decimalPort(portText) else {
            throw .v1("\(role) port \(ProxyHeaderError.quoted(portText.utf8.prefix(16))) is not a decimal number 0-65535 "
                      + "without leading zeros")
        }
        return ProxyAddress(family: family, host: host, port: port)
    }

    private static func decimalPort(_ text: String) -> Int? {
        let digits = Array(text.utf8)
        guard (1...5).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }),
              digits.count == 1 || digits[0] != 0x30, let value = Int(text), value <= 65535 else { return nil }
        return value
    }

    /// `text` through inet_pton and back through inet_ntop, or nil if it is not an address of `family`.
    private static func canonicalAddress(_ text: String, family: ProxyAddress.Family) -> String? {
        var raw = [UInt8](repeating: 0, count: 16)
        let af = family == .tcp4 ? AF_INET : AF_INET6
        guard text.withCString({ inet_pton(af, $0, &raw) }) == 1 else { return nil }
        return addressText(raw.prefix(family == .tcp4 ? 4 : 16), family: family)
    }

    /// The text form of a binary IPv4 (4 bytes) or IPv6 (16 bytes) address.
    static func addressText(_ raw: some Collection<UInt8>, family: ProxyAddress.Family) -> String {
        let bytes = Array(raw)
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let af = family == .tcp4 ? AF_INET : AF_INET6
        guard inet_ntop(af, bytes, &text, socklen_t(text.count)) != nil else { return "" }
        return String(cString: text)
    }
}
