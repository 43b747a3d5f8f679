/// RFC 4648 base64, standard alphabet, padded: OAuth 1.0a's signature
/// encoding (WearAlert imports no Foundation).
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let bytes = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let count = min(3, bytes.count - i)
            let b0 = Int(bytes[i]), b1 = count > 1 ? Int(bytes[i + 1]) : 0, b2 = count > 2 ? Int(bytes[i + 2]) : 0
            output.append(alphabet[b0 >> 2])
            output.append(alphabet[((b0 & 3) << 4) | (b1 >> 4)])
            output.append(count > 1 ? alphabet[((b1 & 15) << 2) | (b2 >> 6)] : UInt8(ascii: "="))
            output.append(count > 2 ? alphabet[b2 & 63] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
