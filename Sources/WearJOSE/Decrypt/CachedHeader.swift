import Glibc

/// A protected header seen before, exactly as encoded in tokens, with
/// everything the hot path needs to open the next token that carries it:
/// the device id and the device key's ready AES-GCM context.
///
/// Devices send the same encoded header on every record, so the header is
/// base64url-decoded, parsed, checked and its key derived once per device.
public final class CachedHeader {
    /// The encoded header bytes (the AAD), owned.
    let encoded: UnsafeMutableRawBufferPointer
    /// The device id (`kid`) as UTF-8 bytes, owned.
    public let kid: UnsafeMutableRawBufferPointer
    public let enc: ContentEncryption
    let cipher: AESGCMCipher

    init(encoded: UnsafeRawBufferPointer, header: ProtectedHeader, cipher: AESGCMCipher) {
        self.encoded = Self.copy(encoded)
        self.kid = header.kidBytes.withUnsafeBytes { Self.copy($0) }
        self.enc = header.enc
        self.cipher = cipher
    }

    deinit {
        encoded.deallocate()
        kid.deallocate()
    }

    /// True when `bytes` are exactly this header's encoding.
    @inline(__always)
    func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count == encoded.count else { return false }
        guard let left = bytes.baseAddress, let right = encoded.baseAddress else { return bytes.isEmpty }
        return memcmp(left, right, bytes.count) == 0
    }

    private static func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutableRawBufferPointer {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        copy.copyMemory(from: bytes)
        return UnsafeMutableRawBufferPointer(rebasing: copy[0..<bytes.count])
    }
}
