import WearCore

/// Opens compact JWE tokens (`alg: dir`, AES-GCM) at line rate: the hot
/// path of wear-decrypt.
///
/// Per token: split at the dots and check the shape; find the encoded
/// header in a bounded cache (on a miss: decode, parse and check it,
/// resolve and derive the key, build its AES-GCM context); base64url-decode
/// IV, tag and ciphertext into reused buffers; decrypt in place with the
/// cached context, AAD = the header exactly as sent. Nothing is allocated
/// per token once the device's header is cached.
///
/// Not thread-safe: one per thread (the stage is single-threaded).
public final class JWEDecryptor {
    /// Decoded protected headers longer than this are refused (ours are < 300 bytes).
    public static let maxHeaderBytes = 1024

    public private(set) var keys: KeyRing
    private let cache: HeaderCache
    private let headerParser = JSONParser(capacity: maxHeaderBytes)
    /// IV (12 bytes), then tag (16 bytes), then room for a decoded header.
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 + maxHeaderBytes + 3, alignment: 16)
    /// Ciphertext, decrypted in place; `JSONParser.padding` spare bytes after it.
    private var buffer: UnsafeMutableRawBufferPointer
    public private(set) var cacheMisses = 0

    /// A decryptor for `keys` caching at most `cacheCapacity` device headers and contexts.
    public init(keys: KeyRing, cacheCapacity: Int = 16_384) {
        self.keys = keys
        self.cache = HeaderCache(capacity: cacheCapacity)
        self.buffer = .allocate(byteCount: 64 * 1024, alignment: 64)
    }

    deinit {
        scratch.deallocate()
        buffer.deallocate()
    }

    /// Replaces the keys (SIGHUP) and forgets every cached header and context.
    public func replaceKeys(_ keys: KeyRing) {
        self.keys = keys
        cache.removeAll()
    }

    public var cachedHeaders: Int { cache.count }
    public var cacheEvictions: Int { cache.evictions }
    public var cacheCapacity: Int { cache.capacity }

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
        let header: CachedHeader
        if let cached = cache.lookup(encodedHeader) {
            header = cached
        } else {
            switch admit(encodedHeader) {
            case .success(let admitted): header = admitted
            case .failure(let failure): return .failure(failure)
            }
        }
        if canonical == nil, case .failure(let failure) = parts.checkShape() {
            return .failure(failure)
        }
        return decrypt(token, parts: parts, header: header)
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

    /// A header not in the cache: decode, parse, check, find the key, build the context, cache it.
    private func admit(_ encoded: UnsafeRawBufferPointer) -> Result<CachedHeader, JWEFailure> {
        cacheMisses += 1
        guard let size = Base64URL.decodedCount(encoded.count) else {
            return .failure(JWEFailure(.badJWE, "protected header is not base64url"))
        }
        guard size <= Self.maxHeaderBytes else {
            // Decode a long header only to tell which error it is.
            return .failure(JWEFailure(.badJWE, Base64URL.decode(Array(encoded)) == nil
                                       ? "protected header is not base64url" : "protected header longer than \(Self.maxHeaderBytes) bytes"))
        }
        guard let base = scratch.baseAddress, Base64URL.decode(encoded, into: base + 32) != nil else {
            return .failure(JWEFailure(.badJWE, "protected header is not base64url"))
        }
        let json = UnsafeRawBufferPointer(start: base + 32, count: size)
        return ProtectedHeader.parse(json: json, parser: headerParser).flatMap { header in
            keys.key(for: header).flatMap { key in
                guard let cipher = AESGCMCipher(key: key) else {
                    return .failure(JWEFailure(.badJWE, "libcrypto could not set up AES-GCM"))
                }
                let entry = CachedHeader(encoded: encoded, header: header, cipher: cipher)
                cache.insert(entry)
                return .success(entry)
            }
        }
    }

    private func reserve(_ bytes: Int) {
        guard buffer.count < bytes else { return }
        buffer.deallocate()
        buffer = .allocate(byteCount: max(bytes, buffer.count * 2), alignment: 64)
    }
}
