import WearCore

/// A JWE protected header as wear accepts it: exactly the members `alg`
/// (`dir`), `enc` (A256GCM or A128GCM) and `kid` (the device id, 1 to 256
/// bytes), in any order. Any other member (`zip`, `crit`, `typ`, ...) is
/// refused rather than ignored: a header we would not honour in full is
/// not accepted at all.
public struct ProtectedHeader: Sendable, Equatable {
    public let enc: ContentEncryption
    /// The device id, as its UTF-8 bytes.
    public let kidBytes: [UInt8]

    public var kid: String { String(decoding: kidBytes, as: UTF8.self) }

    public init(enc: ContentEncryption, kid: String) {
        self.enc = enc
        self.kidBytes = Array(kid.utf8)
    }

    /// The canonical JSON text `wear seal` writes: `{"alg":"dir","enc":"A256GCM","kid":"..."}`.
    public var json: [UInt8] {
        var text = Array("{\"alg\":\"dir\",\"enc\":\"\(enc.rawValue)\",\"kid\":".utf8)
        text += ByteBuffer.jsonString(kid)
        text.append(UInt8(ascii: "}"))
        return text
    }

    /// Parses decoded header JSON with `parser` and checks every member.
    public static func parse(json bytes: UnsafeRawBufferPointer, parser: JSONParser) -> Result<ProtectedHeader, JWEFailure> {
        guard case .success(let root) = parser.parse(copying: bytes) else {
            return .failure(JWEFailure(.badJWE, "protected header is not valid JSON"))
        }
        guard root.isObject else { return .failure(JWEFailure(.badJWE, "protected header is not a JSON object")) }
        guard !root.hasDuplicateKeys else {
            return .failure(JWEFailure(.badJWE, "protected header has a member twice"))
        }
        var unsupported: JWEFailure?
        root.forEachMember { name, _ in
            if equals(name, "alg") || equals(name, "enc") || equals(name, "kid") { return true }
            unsupported = JWEFailure(.unsupportedHeader, "header member \(JWEFailure.quoted(name)) is not supported (only alg, enc, kid)")
            return false
        }
        if let unsupported { return .failure(unsupported) }
        return members(of: root)
    }

    private static func members(of root: JSONValue) -> Result<ProtectedHeader, JWEFailure> {
        guard let alg = root["alg"] else { return .failure(JWEFailure(.badJWE, "protected header has no alg")) }
        guard let algBytes = alg.stringBytes else { return .failure(JWEFailure(.badJWE, "alg must be a string")) }
        guard equals(algBytes, "dir") else {
            return .failure(JWEFailure(.unsupportedAlg, "alg \(JWEFailure.quoted(algBytes)) is not supported (only dir)"))
        }
        guard let encValue = root["enc"] else { return .failure(JWEFailure(.badJWE, "protected header has no enc")) }
        guard let encBytes = encValue.stringBytes else { return .failure(JWEFailure(.badJWE, "enc must be a string")) }
        let enc: ContentEncryption
        if equals(encBytes, "A256GCM") {
            enc = .a256gcm
        } else if equals(encBytes, "A128GCM") {
            enc = .a128gcm
        } else {
            return .failure(JWEFailure(.unsupportedEnc, "enc \(JWEFailure.quoted(encBytes)) is not supported (only A256GCM, A128GCM)"))
        }
        guard let kidValue = root["kid"] else { return .failure(JWEFailure(.badJWE, "protected header has no kid")) }
        guard let kid = kidValue.stringBytes else { return .failure(JWEFailure(.badJWE, "kid must be a string")) }
        guard !kid.isEmpty, kid.count <= KeyFiles.maxDeviceIDBytes else {
            return .failure(JWEFailure(.badJWE, "kid must be 1 to \(KeyFiles.maxDeviceIDBytes) bytes long, found \(kid.count)"))
        }
        return .success(ProtectedHeader(enc: enc, kidBytes: Array(kid)))
    }

    init(enc: ContentEncryption, kidBytes: [UInt8]) {
        self.enc = enc
        self.kidBytes = kidBytes
    }

    private static func equals(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && bytes.elementsEqual(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
