/// Seals many records for one device fast, in the same compact format as
/// `JWE.seal`: the protected header is encoded once, the key's AES-GCM
/// context (`AESGCMCipher`, OpenSSL) is built once, and each token is
/// appended straight to the caller's buffer. For the simulator, which
/// seals hundreds of thousands of records a second; `JWE.seal` stays the
/// simple reference.
///
/// Not thread-safe (one AES-GCM context); one per thread.
public final class JWESealer {
    public let kid: String
    public let enc: ContentEncryption
    private let cipher: AESGCMCipher
    private let header: [UInt8]

    /// A sealer for `kid` under `key`; nil when the key does not fit `enc`
    /// or libcrypto cannot make a context.
    public init?(kid: String, key: DeviceKey, enc: ContentEncryption) {
        guard key.fits(enc), let cipher = AESGCMCipher(key: key, sealing: true) else { return nil }
        self.kid = kid
        self.enc = enc
        self.cipher = cipher
        header = Base64URL.encodeBytes(ProtectedHeader(enc: enc, kid: kid).json)
    }

    /// Appends `header..iv.ciphertext.tag` for `plaintext` sealed with `iv`
    /// (12 bytes; the caller guarantees it is never reused with this key).
    /// False only if libcrypto fails (nothing usable was appended).
    public func seal(_ plaintext: UnsafeRawBufferPointer, iv: [UInt8], appendingTo output: inout [UInt8]) -> Bool {
        precondition(iv.count == ContentEncryption.ivByteCount, "JWESealer: the IV must be 12 bytes")
        guard let (ciphertext, tag) = cipher.seal(Array(plaintext), iv: iv, aad: header) else { return false }
        output.reserveCapacity(output.count + header.count + 2 + 16 + (ciphertext.count * 4 + 2) / 3 + 1 + 22 + 1)
        output.append(contentsOf: header)
        output.append(UInt8(ascii: "."))
        output.append(UInt8(ascii: "."))
        Base64URL.append(iv, to: &output)
        output.append(UInt8(ascii: "."))
        Base64URL.append(ciphertext, to: &output)
        output.append(UInt8(ascii: "."))
        Base64URL.append(tag, to: &output)
        return true
    }
}

extension Base64URL {
    /// Appends the base64url text of `bytes` (no padding) to `output`, without intermediate arrays.
    public static func append(_ bytes: [UInt8], to output: inout [UInt8]) {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        let table = alphabet.utf8Start
        bytes.withUnsafeBufferPointer { input in
            var index = 0
            while index + 3 <= input.count {
                let word = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                output.append(table[Int(word >> 18 & 63)])
                output.append(table[Int(word >> 12 & 63)])
                output.append(table[Int(word >> 6 & 63)])
                output.append(table[Int(word & 63)])
                index += 3
            }
            let rest = input.count - index
            if rest > 0 {
                let word = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
                output.append(table[Int(word >> 18 & 63)])
                output.append(table[Int(word >> 12 & 63)])
                if rest == 2 { output.append(table[Int(word >> 6 & 63)]) }
            }
        }
    }
}
