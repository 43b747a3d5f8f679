import WearCore
import WearJOSE

/// What wear-decrypt is told on its command line, besides the common options.
public struct DecryptConfiguration: Sendable {
    /// keys.json: device id -> base64url key.
    public var keysPath: String?
    /// A master key file (32 bytes as hex or base64 text).
    public var masterKeyPath: String?
    /// Accept key files that group or others can read or write.
    public var allowInsecureKeyFile = false
    /// How many devices' checked headers and AES-GCM contexts to keep (~1.4 KiB each).
    public var contextCacheSize = JWEDecryptor.defaultContextCapacity
    /// How many devices' keys derived from the master key to keep (~110 bytes each).
    public var keyCacheSize = JWEDecryptor.defaultKeyCapacity
    /// Tokens between reviews of the caches' miss rates (a power of two; tests shorten it).
    var cacheReviewInterval = KeyCacheAdvisor.window
    /// A fixed receive time in ms for records without a numeric `rx`
    /// (tests and reproducible replays); nil means the wall clock.
    public var fixedNow: Int64?
    /// The largest plaintext accepted (a larger one is `bad_plaintext`);
    /// the command sets it to --max-line-bytes.
    public var maxPlaintextBytes = 1 << 20
    /// Read a PROXY protocol header (v1 or v2) at the start of standard
    /// input before any record, and record its client address under
    /// `meta.src` of every record (`--proxy-protocol`).
    public var proxyProtocol = false
    /// How long the whole header may take to arrive (`--proxy-header-timeout`).
    public var proxyHeaderTimeout: Duration = .seconds(5)

    public init(keysPath: String? = nil, masterKeyPath: String? = nil) {
        self.keysPath = keysPath
        self.masterKeyPath = masterKeyPath
    }

    /// Reads the key files; throws `StageFailure` or `ConfigError` (66 / 78).
    public func loadKeys() throws -> KeyRing {
        guard keysPath != nil || masterKeyPath != nil else {
            throw StageFailure(status: .usage, message: "no keys: pass --keys FILE, --master-key FILE or both")
        }
        var ring = KeyRing()
        if let keysPath {
            ring.deviceKeys = try KeyFiles.loadKeys(path: keysPath, allowInsecure: allowInsecureKeyFile)
        }
        if let masterKeyPath {
            ring.master = try KeyFiles.loadMasterKey(path: masterKeyPath, allowInsecure: allowInsecureKeyFile)
        }
        return ring
    }
}
