import WearCore

/// Opens compact JWE tokens (`alg: dir`, AES-GCM) at line rate: the hot
/// path of wear-decrypt.
///
/// Per token: split at the dots and check the shape; find the encoded
/// header in the context cache (on a miss: decode, parse and check it,
/// resolve the key, key an AES-GCM context); base64url-decode IV, tag and
/// ciphertext into reused buffers; decrypt in place with the cached
/// context, AAD = the header exactly as sent. Nothing is allocated per
/// token once the device's header is cached.
///
/// Two bounded caches (`BoundedMap`, least recently seen evicted), because
/// their entries cost very different amounts: contexts (~1.4 KiB each,
/// mostly OpenSSL's) for the devices seen most recently, and derived keys
/// (32 bytes, ~110 with bookkeeping) for many more. HKDF is what makes a
/// miss expensive; with the device's derived key cached, a context miss
/// costs a header parse and a key expansion in a recycled context.
///
/// Not thread-safe: one per thread (the stage is single-threaded).
public final class JWEDecryptor {
    /// Decoded protected headers longer than this are refused (ours are < 300 bytes).
    public static let maxHeaderBytes = 1024

    public private(set) var keys: KeyRing
    /// Encoded protected header -> checked header with a keyed AES-GCM context.
    let contexts: BoundedMap<CachedHeader>
    /// Device id (kid bytes) -> its key derived from the master key (wiped when dropped).
    let derivedKeys: BoundedMap<DerivedKey>
    let headerParser = JSONParser(capacity: maxHeaderBytes)
    /// IV (12 bytes), then tag (16 bytes), then room for a decoded header.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 + maxHeaderBytes + 3, alignment: 16)
    /// Ciphertext, decrypted in place; `JSONParser.padding` spare bytes after it.
    private var buffer: UnsafeMutableRawBufferPointer
    /// A context no device holds (evicted, or a candidate's that failed), re-keyed for the next miss.
    var spare: (cipher: AESGCMCipher, enc: ContentEncryption)?

    /// Default bounds: contexts for 65,536 devices (~90 MiB when full), derived
    /// keys for 1,048,576 (~110 MiB when full); both grow only as devices appear.
    public static let defaultContextCapacity = 1 << 16
    public static let defaultKeyCapacity = 1 << 20

    /// A decryptor for `keys` keeping at most `contextCapacity` AES-GCM contexts
    /// and `keyCapacity` derived device keys.
    public init(keys: KeyRing, contextCapacity: Int = defaultContextCapacity, keyCapacity: Int = defaultKeyCapacity) {
        self.keys = keys
        // Encoded headers of ids up to ~30 bytes stay inline; device ids up to 24.
        self.contexts = BoundedMap(capacity: contextCapacity, inlineKeyBytes: 96)
        self.derivedKeys = BoundedMap(capacity: keyCapacity, inlineKeyBytes: 24, wipesRemovedValues: true)
        self.buffer = .allocate(byteCount: 64 * 1024, alignment: 64)
    }

    deinit {
        scratch.deallocate()
        buffer.deallocate()
    }

    /// Replaces the keys (SIGHUP) and forgets every cached header, context and derived key.
    public func replaceKeys(_ keys: KeyRing) {
        self.keys = keys
        contexts.removeAll()
        derivedKeys.removeAll()
        spare = nil // it holds an old key's schedule
    }

    /// The context cache: look-ups are tokens, a miss parses a header and keys a context.
    public var contextCache: BoundedMapCounters { contexts.counters }
    /// The derived-key cache: looked up on a context miss of a derived-key device; a miss runs HKDF.
    public var keyCache: BoundedMapCounters { derivedKeys.counters }

    /// What an opened token yields; valid until the next `open`.
    public struct Opened {
        /// The authenticated plaintext, writable in place, with
        /// `JSONParser.padding` readable bytes after its end.
        public let plaintext: UnsafeMutableRawBufferPointer
        /// The header the token carried (kid, enc).
        public let header: CachedHeader
    }

    /// Opens one compact token (its bytes as received, no whitespace).
    ///
    /// Order of checks: five parts; the header (alg, enc, kid, key); then
    /// the other parts' shape; then their base64url; then the tag.
    public func open(_ token: UnsafeRawBufferPointer) -> Result<Opened, JWEFailure> {
        let canonical = CompactToken.splitCanonical(token)
        let parts: CompactToken
        if let canonical {
            parts = canonical
        } else {
            switch CompactToken.splitChecked(token) {
            case .success(let split): parts = split
            case .failure(let failure): return .failure(failure)
            }
        }
        let encodedHeader = token.slice(parts.header)
        if let cached = contexts.value(forKey: encodedHeader) {
            if canonical == nil, case .failure(let failure) = parts.checkShape() { return .failure(failure) }
            return decrypt(token, parts: parts, header: cached)
        }
        let candidate: Candidate
        switch admit(encodedHeader) {
        case .success(let admitted): candidate = admitted
        case .failure(let failure): return .failure(failure)
        }
        var result = Result<Opened, JWEFailure>.failure(JWEFailure(.badJWE, "not opened"))
        if canonical == nil, case .failure(let failure) = parts.checkShape() {
            result = .failure(failure)
        } else {
            result = decrypt(token, parts: parts, header: candidate.header)
        }
        settle(candidate, authenticated: (try? result.get()) != nil)
        return result
    }

    @inline(__always)
    private func decrypt(_ token: UnsafeRawBufferPointer, parts: CompactToken, header: CachedHeader) -> Result<Opened, JWEFailure> {
        guard let scratchBase = scratch.baseAddress else { return .failure(JWEFailure(.badJWE, "no memory")) }
        let iv = scratchBase, tag = scratchBase + 16
        guard Base64URL.decode(token.slice(parts.iv), into: iv) != nil else {
            return .failure(diagnose(token, else: "IV is not base64url"))
        }
        guard Base64URL.decode(token.slice(parts.tag), into: tag) != nil else {
            return .failure(diagnose(token, else: "tag is not base64url"))
        }
        let ciphertext = token.slice(parts.ciphertext)
        guard let size = Base64URL.decodedCount(ciphertext.count) else {
            return .failure(diagnose(token, else: "ciphertext is not base64url (impossible length)"))
        }
        reserve(size + JSONParser.padding)
        guard let base = buffer.baseAddress, Base64URL.decode(ciphertext, into: base, capacity: buffer.count) == size else {
            return .failure(diagnose(token, else: "ciphertext is not base64url"))
        }
        let data = UnsafeMutableRawBufferPointer(start: base, count: size)
        guard header.cipher.open(iv: iv, aad: UnsafeRawBufferPointer(header.encoded), data: data, tag: tag) else {
            return .failure(JWEFailure(.authFailed, "authentication tag did not verify"))
        }
        return .success(Opened(plaintext: data, header: header))
    }

    /// The precise shape error if there is one (a dot inside a part), else `otherwise`.
    private func diagnose(_ token: UnsafeRawBufferPointer, else otherwise: String) -> JWEFailure {
        switch CompactToken.splitChecked(token).flatMap({ $0.checkShape() }) {
        case .failure(let failure): failure
        case .success: JWEFailure(.badJWE, otherwise)
        }
    }

    private func reserve(_ bytes: Int) {
        guard buffer.count < bytes else { return }
        buffer.deallocate()
        buffer = .allocate(byteCount: max(bytes, buffer.count * 2), alignment: 64)
    }
}
