import CWearCrypto

/// One device key's AES-GCM context in OpenSSL libcrypto: the key schedule
/// is built once, and `open` only sets the IV, so opening a record
/// allocates nothing. Owns its C context (freed, and wiped, in `deinit`).
///
/// Not thread-safe; one per thread. This file is the only one that imports
/// CWearCrypto.
public final class AESGCMCipher {
    private let context: OpaquePointer

    /// How a context talks to libcrypto.
    public enum Mode: Sendable {
        /// Open through the default provider's AES-GCM functions directly
        /// (EVP when they cannot be found): the hot path.
        case open
        /// Open through the EVP API (tests compare the two).
        case openThroughEVP
        /// Seal through the EVP API (tests, the fuzz target).
        case seal
    }

    /// A context for `key`; nil only if libcrypto fails (out of memory,
    /// AES-GCM unavailable).
    public init?(key: DeviceKey, mode: Mode = .open) {
        let code = switch mode {
        case .open: Int32(WEAR_GCM_OPEN)
        case .openThroughEVP: Int32(WEAR_GCM_OPEN_EVP)
        case .seal: Int32(WEAR_GCM_SEAL)
        }
        let made = key.bytes.withUnsafeBufferPointer { wear_gcm_new($0.baseAddress, $0.count, code) }
        guard let made else { return nil }
        context = made
    }

    /// An opening context for a derived key.
    init?(key: DerivedKey) {
        let made = key.withUnsafeBytes { raw in
            wear_gcm_new(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, Int32(WEAR_GCM_OPEN))
        }
        guard let made else { return nil }
        context = made
    }

    /// Replaces the key with one of the same length, in place (no allocation):
    /// how the decryptor recycles an evicted device's context. False if the
    /// length differs or libcrypto fails; the context is then unusable.
    func rekey(_ key: UnsafeRawBufferPointer) -> Bool {
        wear_gcm_rekey(context, key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count) == 1
    }

    /// A sealing context (`mode: .seal`).
    public convenience init?(key: DeviceKey, sealing: Bool) {
        self.init(key: key, mode: sealing ? .seal : .open)
    }

    /// True when opening calls the provider directly rather than through EVP.
    public var opensDirectly: Bool { wear_gcm_is_direct(context) == 1 }

    deinit {
        wear_gcm_free(context)
    }

    /// Decrypts `data` in place and verifies `tag` (16 bytes) over `aad` and
    /// the ciphertext, with `iv` (12 bytes). False when the tag does not
    /// verify; `data` is then garbage.
    @inline(__always)
    public func open(iv: UnsafeRawPointer, aad: UnsafeRawBufferPointer, data: UnsafeMutableRawBufferPointer,
                     tag: UnsafeRawPointer) -> Bool {
        let status = wear_gcm_open(context, iv.assumingMemoryBound(to: UInt8.self),
                                   aad.baseAddress?.assumingMemoryBound(to: UInt8.self), aad.count,
                                   data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count,
                                   tag.assumingMemoryBound(to: UInt8.self))
        return status == 1
    }

    /// Encrypts `plaintext` with `iv` (12 bytes) and `aad`; returns the
    /// ciphertext and the 16-byte tag, nil if libcrypto fails. For tests and
    /// benchmarks (the tools seal with swift-crypto).
    public func seal(_ plaintext: [UInt8], iv: [UInt8], aad: [UInt8]) -> (ciphertext: [UInt8], tag: [UInt8])? {
        precondition(iv.count == ContentEncryption.ivByteCount, "AES-GCM IVs are 12 bytes")
        var data = plaintext
        var tag = [UInt8](repeating: 0, count: ContentEncryption.tagByteCount)
        let status = iv.withUnsafeBufferPointer { iv in
            aad.withUnsafeBufferPointer { aad in
                data.withUnsafeMutableBufferPointer { data in
                    tag.withUnsafeMutableBufferPointer { tag in
                        wear_gcm_seal(context, iv.baseAddress, aad.baseAddress, aad.count, data.baseAddress, data.count,
                                      tag.baseAddress)
                    }
                }
            }
        }
        return status == 1 ? (data, tag) : nil
    }
}
