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

    /// The most bytes the token of a `plaintextCount`-byte plaintext takes.
    public func maxTokenCount(plaintextCount: Int) -> Int {
        header.count + 2 + 16 + 1 + (plaintextCount * 4 + 2) / 3 + 1 + 22
    }

    /// Writes `header..iv.ciphertext.tag` for `plaintext` sealed with `iv`
    /// (12 bytes; the caller guarantees it is never reused with this key) to
    /// `output`, which has room for `maxTokenCount` bytes; returns how many
    /// it wrote, nil only if libcrypto fails.
    public func seal(_ plaintext: UnsafeRawBufferPointer, iv: [UInt8], into output: UnsafeMutablePointer<UInt8>) -> Int? {
        precondition(iv.count == ContentEncryption.ivByteCount, "JWESealer: the IV must be 12 bytes")
        guard let (ciphertext, tag) = cipher.seal(Array(plaintext), iv: iv, aad: header) else { return nil }
        var cursor = output
        header.withUnsafeBufferPointer { bytes in
            if let base = bytes.baseAddress { cursor.update(from: base, count: bytes.count) }
        }
        cursor += header.count
        cursor[0] = UInt8(ascii: ".")
        cursor[1] = UInt8(ascii: ".")
        cursor += 2
        cursor = Base64URL.write(iv, to: cursor)
        cursor.pointee = UInt8(ascii: ".")
        cursor = Base64URL.write(ciphertext, to: cursor + 1)
        cursor.pointee = UInt8(ascii: ".")
        cursor = Base64URL.write(tag, to: cursor + 1)
        return cursor - output
    }

    /// Appends the token for `plaintext` to `output` (see `seal(_:iv:into:)`); false if libcrypto fails.
    public func seal(_ plaintext: UnsafeRawBufferPointer, iv: [UInt8], appendingTo output: inout [UInt8]) -> Bool {
        let start = output.count
        let room = maxTokenCount(plaintextCount: plaintext.count)
        var written: Int?
        output.append(contentsOf: repeatElement(0, count: room))
        output.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { written = seal(plaintext, iv: iv, into: base + start) }
        }
        output.removeLast(room - (written ?? 0))
        return written != nil
    }
}

extension Base64URL {
    /// Writes the base64url text of `bytes` (no padding) at `output`; returns the end.
    @inline(__always)
    public static func write(_ bytes: [UInt8], to output: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        let table = alphabet.utf8Start
        var out = output
        bytes.withUnsafeBufferPointer { input in
            var index = 0
            while index + 3 <= input.count {
                let word = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                out[0] = table[Int(word >> 18 & 63)]
                out[1] = table[Int(word >> 12 & 63)]
                out[2] = table[Int(word >> 6 & 63)]
                out[3] = table[Int(word & 63)]
                out += 4
                index += 3
            }
            let rest = input.count - index
            if rest > 0 {
                let word = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
                out[0] = table[Int(word >> 18 & 63)]
                out[1] = table[Int(word >> 12 & 63)]
                out += 2
                if rest == 2 {
                    out[0] = table[Int(word >> 6 & 63)]
                    out += 1
                }
            }
        }
        return out
    }
}
