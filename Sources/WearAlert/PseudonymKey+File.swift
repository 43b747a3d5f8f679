import WearCore
import WearJOSE

extension PseudonymKey {
    /// The key bytes of a `--pseudonym-key` file: its text as hex or
    /// base64 when it decodes as such (`wear keys new` writes hex), else
    /// its bytes without surrounding white space. nil when empty.
    public static func keyBytes(fileContents bytes: [UInt8]) -> [UInt8]? {
        let text = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
        guard !text.isEmpty else { return nil }
        if text.count % 2 == 0, text.allSatisfy(\.isHexDigit) {
            var decoded: [UInt8] = []
            var digits = Array(text.utf8)[...]
            while let high = digits.popFirst(), let low = digits.popFirst() {
                decoded.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) ?? 0)
            }
            return decoded
        }
        return Base64URL.decodeLenient(text) ?? Array(text.utf8)
    }

    /// Reads `--pseudonym-key FILE`: refused (78) when group or others may
    /// read or write it, as every key file of the project, unless
    /// `allowInsecure`; 66 when missing; 78 when empty or shorter than 16 bytes.
    public init(contentsOf path: String, allowInsecure: Bool) throws(StageFailure) {
        let contents = try KeyFiles.readKeyFile(path: path, allowInsecure: allowInsecure)
        guard let bytes = Self.keyBytes(fileContents: contents) else {
            throw StageFailure(status: .config, message: "pseudonym key file \(path) is empty (make one with `wear keys new --out \(path)`)")
        }
        guard bytes.count >= 16 else {
            throw StageFailure(status: .config, message: "pseudonym key file \(path) holds \(bytes.count) bytes; at least 16 are needed (`wear keys new` makes 32)")
        }
        self.init(bytes: bytes)
    }

    /// A random key for this run only: pseudonyms nobody, not even this
    /// host, can link to a device later.
    public static func ephemeral() -> PseudonymKey {
        var generator = SystemRandomNumberGenerator()
        return PseudonymKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
