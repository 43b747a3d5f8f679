/// Admitting a device on a context-cache miss.
///
/// A token whose header is not cached gets a candidate entry: the header
/// decoded, parsed and checked, the key resolved (its length must fit
/// `enc`: `key_length_mismatch` is decided here, before any AES-GCM work),
/// and a context keyed for it (the spare context re-keyed, else a new one).
/// Only when the token's tag verifies does the candidate enter the caches,
/// evicting the least recently seen device (whose context becomes the
/// spare). So tokens that do not authenticate — a flood of made-up kids —
/// never evict a real device's context or key.
extension JWEDecryptor {
    /// A checked header with a keyed context, not cached yet.
    struct Candidate {
        let header: CachedHeader
        /// The derived key to cache on success (nil: an explicit key, or one already cached).
        let derived: DerivedKey?
    }

    /// Decodes, parses and checks `encoded`, resolves its key and keys a context.
    func admit(_ encoded: UnsafeRawBufferPointer) -> Result<Candidate, JWEFailure> {
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
            keys.source(for: header).flatMap { source in
                let keyed: AESGCMCipher?
                var derived: DerivedKey?
                switch source {
                case .explicit(let key):
                    keyed = key.bytes.withUnsafeBytes { context(enc: header.enc, key: $0) } ?? AESGCMCipher(key: key)
                case .derived(let master):
                    let cached = header.kidBytes.withUnsafeBytes { derivedKeys.value(forKey: $0) }
                    let key = cached ?? master.derivedKey(forUTF8: header.kidBytes)
                    if cached == nil { derived = key }
                    keyed = key.withUnsafeBytes { context(enc: .a256gcm, key: $0) } ?? AESGCMCipher(key: key)
                }
                guard let keyed else { return .failure(JWEFailure(.badJWE, "libcrypto could not set up AES-GCM")) }
                return .success(Candidate(header: CachedHeader(encoded: encoded, header: header, cipher: keyed), derived: derived))
            }
        }
    }

    /// The spare context re-keyed with `key`, if there is one for `enc`'s key length.
    private func context(enc: ContentEncryption, key: UnsafeRawBufferPointer) -> AESGCMCipher? {
        guard let spare, spare.enc == enc else { return nil }
        self.spare = nil
        return spare.cipher.rekey(key) ? spare.cipher : nil
    }

    /// After the candidate's token was tried: cache it if it authenticated, else keep its context as the spare.
    func settle(_ candidate: Candidate, authenticated: Bool) {
        let header = candidate.header
        guard authenticated else {
            spare = (header.cipher, header.enc)
            return
        }
        if let derived = candidate.derived {
            derivedKeys.insert(derived, forKey: UnsafeRawBufferPointer(header.kid))
        }
        if contexts.count == contexts.capacity, let evicted = contexts.evictLeastRecentlySeen() {
            spare = (evicted.cipher, evicted.enc)
        }
        contexts.insert(header, forKey: UnsafeRawBufferPointer(header.encoded))
    }
}
