/// Why the start of a connection is not an acceptable PROXY protocol
/// header: one line for the log that says what was wrong, never more than
/// the first few bytes of what the peer sent.
public struct ProxyHeaderError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static func v1(_ problem: String) -> ProxyHeaderError { ProxyHeaderError("PROXY v1 header: \(problem)") }
    static func v2(_ problem: String) -> ProxyHeaderError { ProxyHeaderError("PROXY v2 header: \(problem)") }

    /// The stream starts with neither `PROXY ` nor the v2 signature.
    static func missing(startingWith bytes: some Collection<UInt8>) -> ProxyHeaderError {
        let head = Array(bytes.prefix(8))
        var message = "no PROXY protocol header: the connection starts with \(quoted(head))"
        if head.count >= 2, head[0] == 0x16, head[1] == 0x03 {
            message += " (a TLS handshake: the proxy in front must terminate TLS)"
        } else if head.first == UInt8(ascii: "{") {
            message += " (an envelope: the proxy in front must send a PROXY header, nginx's `proxy_protocol on`)"
        }
        return ProxyHeaderError(message)
    }

    /// Bytes as a quoted string, printable ASCII as is, the rest as \xNN.
    static func quoted(_ bytes: some Collection<UInt8>) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): text += "\\" + String(UnicodeScalar(byte))
            case 0x20...0x7E: text.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let hex = String(byte, radix: 16)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return text + "\""
    }
}
