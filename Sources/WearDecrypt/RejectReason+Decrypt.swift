import WearCore
import WearJOSE

/// wear-decrypt's reject reasons (besides the record layer's `bad_json`,
/// `bad_utf8`, `not_object`, `duplicate_key`, `line_too_long`,
/// `line_too_long_atomic`). Stable codes: see docs/wear-decrypt.md.
extension RejectReason {
    /// Not a well-formed compact JWE, or an envelope without a string `jwe`.
    public static let badJWE = RejectReason("bad_jwe")
    /// Protected header `alg` other than `dir`.
    public static let unsupportedAlg = RejectReason("unsupported_alg")
    /// Protected header `enc` other than A256GCM / A128GCM.
    public static let unsupportedEnc = RejectReason("unsupported_enc")
    /// A protected header member other than alg, enc, kid (`zip`, `crit`, ...).
    public static let unsupportedHeader = RejectReason("unsupported_header")
    /// No key for the header's `kid`.
    public static let unknownKid = RejectReason("unknown_kid")
    /// The kid's key in keys.json has the wrong length for the header's `enc`.
    public static let keyLengthMismatch = RejectReason("key_length_mismatch")
    /// The AES-GCM tag did not verify (wrong key, or altered token).
    public static let authFailed = RejectReason("auth_failed")
    /// The authenticated plaintext is not a single JSON object with a string `dev`.
    public static let badPlaintext = RejectReason("bad_plaintext")
    /// The plaintext's `dev` differs from the header's `kid`.
    public static let devMismatch = RejectReason("dev_mismatch")
    /// With `--proxy-protocol`: the plaintext has its own `meta`, where the
    /// connection's address (`meta.src`) must go.
    public static let plaintextMeta = RejectReason("plaintext_meta")

    /// The reason for a token the decryptor refused.
    static func decrypt(_ kind: JWEFailure.Kind) -> RejectReason {
        switch kind {
        case .badJWE: .badJWE
        case .unsupportedAlg: .unsupportedAlg
        case .unsupportedEnc: .unsupportedEnc
        case .unsupportedHeader: .unsupportedHeader
        case .unknownKid: .unknownKid
        case .keyLengthMismatch: .keyLengthMismatch
        case .authFailed: .authFailed
        }
    }
}
