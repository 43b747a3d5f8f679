import Crypto
import WearCore

/// JWE compact serialization (RFC 7516) with `alg: dir` and AES-GCM, as
/// devices (`wear seal`) write it and wear-decrypt reads it.
///
/// `seal` and `open` here use swift-crypto and allocate per call: they serve
/// the operator tool and tests. The stage's hot path is `JWEDecryptor`.
public enum JWE {
    /// Seals `plaintext` for device `kid`: protected header exactly
    /// `{"alg":"dir","enc":"A256GCM","kid":"..."}`, empty encrypted key,
    /// a random 12-byte IV (or `iv`), AAD = the encoded header.
    ///
    /// Preconditions (programming errors, checked): `key.fits(enc)` and
    /// `iv`, when given, is 12 bytes.
    public static func seal(_ plaintext: some Collection<UInt8>, kid: String, key: DeviceKey, enc: ContentEncryption,
                            iv: [UInt8]? = nil) -> String {
        precondition(key.fits(enc), "JWE.seal: a \(key.byteCount)-byte key cannot seal \(enc.rawValue)")
        precondition(iv == nil || iv?.count == ContentEncryption.ivByteCount, "JWE.seal: the IV must be 12 bytes")
        let header = Base64URL.encodeBytes(ProtectedHeader(enc: enc, kid: kid).json)
        let box: AES.GCM.SealedBox
        do {
            let nonce = try iv.map { try AES.GCM.Nonce(data: $0) } ?? AES.GCM.Nonce()
            box = try AES.GCM.seal(Array(plaintext), using: SymmetricKey(data: key.bytes), nonce: nonce,
                                   authenticating: header)
        } catch {
            preconditionFailure("JWE.seal: AES-GCM refused a checked key and nonce: \(error)")
        }
        var token = header
        token.append(UInt8(ascii: "."))
        token.append(UInt8(ascii: "."))
        token += Base64URL.encodeBytes(box.nonce.withUnsafeBytes { Array($0) })
        token.append(UInt8(ascii: "."))
        token += Base64URL.encodeBytes(box.ciphertext)
        token.append(UInt8(ascii: "."))
        token += Base64URL.encodeBytes(box.tag)
        return String(decoding: token, as: UTF8.self)
    }

    /// The protected header of a token, checked as the stage checks it.
    public static func header(of token: String) -> Result<ProtectedHeader, JWEFailure> {
        let bytes = Array(token.utf8)
        return bytes.withUnsafeBytes { raw in split(raw).map(\.0) }
    }

    /// Opens a token with swift-crypto (the reference path; allocates), with
    /// the same checks, in the same order, as `JWEDecryptor`. `key` picks the
    /// key for the header's kid and enc; nil means unknown kid.
    public static func open(_ token: String, key: (ProtectedHeader) -> DeviceKey?) -> Result<(header: ProtectedHeader, plaintext: [UInt8]), JWEFailure> {
        open(token) { header in
            guard let deviceKey = key(header) else {
                return .failure(JWEFailure(.unknownKid, "no key for kid \(header.kidBytes.withUnsafeBytes { JWEFailure.quoted($0) })"))
            }
            guard deviceKey.fits(header.enc) else {
                return .failure(JWEFailure(.keyLengthMismatch, "the key of this kid is \(deviceKey.byteCount) bytes, which opens only "
                                           + "\(deviceKey.impliedEncryption.rawValue); the token says \(header.enc.rawValue)"))
            }
            return .success(deviceKey)
        }
    }

    /// Opens a token with the key `keys` has for it, refusing it exactly as
    /// the stage does (`KeyRing.source(for:)`: unknown kid, key length).
    public static func open(_ token: String, keys: KeyRing) -> Result<(header: ProtectedHeader, plaintext: [UInt8]), JWEFailure> {
        open(token) { keys.key(for: $0) }
    }

    private static func open(_ token: String, resolve: (ProtectedHeader) -> Result<DeviceKey, JWEFailure>)
        -> Result<(header: ProtectedHeader, plaintext: [UInt8]), JWEFailure> {
        let bytes = Array(token.utf8)
        return bytes.withUnsafeBytes { raw in
            split(raw).flatMap { header, parts in
                resolve(header).flatMap { deviceKey in
                    parts.checkShape().flatMap { parts in
                        open(raw, parts: parts, key: deviceKey).map { (header, $0) }
                    }
                }
            }
        }
    }

    private static func open(_ raw: UnsafeRawBufferPointer, parts: CompactToken, key: DeviceKey) -> Result<[UInt8], JWEFailure> {
        guard let iv = Base64URL.decode(raw.slice(parts.iv)) else { return .failure(JWEFailure(.badJWE, "IV is not base64url")) }
        guard let tag = Base64URL.decode(raw.slice(parts.tag)) else { return .failure(JWEFailure(.badJWE, "tag is not base64url")) }
        guard let ciphertext = Base64URL.decode(raw.slice(parts.ciphertext)) else {
            return .failure(JWEFailure(.badJWE, "ciphertext is not base64url"))
        }
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: iv), ciphertext: ciphertext, tag: tag)
            let plaintext = try AES.GCM.open(box, using: SymmetricKey(data: key.bytes), authenticating: Array(raw.slice(parts.header)))
            return .success(Array(plaintext))
        } catch {
            return .failure(JWEFailure(.authFailed, "authentication tag did not verify"))
        }
    }

    /// Splits a token and parses its header (off the hot path).
    private static func split(_ raw: UnsafeRawBufferPointer) -> Result<(ProtectedHeader, CompactToken), JWEFailure> {
        CompactToken.splitChecked(raw).flatMap { parts in
            guard let json = Base64URL.decode(raw.slice(parts.header)) else {
                return .failure(JWEFailure(.badJWE, "protected header is not base64url"))
            }
            guard json.count <= JWEDecryptor.maxHeaderBytes else {
                return .failure(JWEFailure(.badJWE, "protected header longer than \(JWEDecryptor.maxHeaderBytes) bytes"))
            }
            return json.withUnsafeBytes { ProtectedHeader.parse(json: $0, parser: JSONParser(capacity: max(json.count, 64))) }
                .map { ($0, parts) }
        }
    }
}
