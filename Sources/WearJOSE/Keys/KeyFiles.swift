import WearCore

/// Reading and writing key files: the master key (32 bytes as hex or
/// base64 text) and keys.json (a JSON object, device id -> base64url key).
///
/// Like ssh, a key file that its group or others may read or write is
/// refused unless `allowInsecure`. Errors are one line a person can act on
/// (`StageFailure`: 66 when missing or unreadable; `ConfigError`: 78 when
/// invalid) and never contain key material.
public enum KeyFiles {
    /// Key files larger than this are refused (a million devices fit in 80 MiB).
    public static let maxFileBytes = 256 << 20
    /// The longest device id accepted in keys.json and in JWE `kid`s.
    public static let maxDeviceIDBytes = 256

    /// Reads a master key file: 64 hex digits or base64 text (whitespace ignored).
    public static func loadMasterKey(path: String, allowInsecure: Bool) throws -> MasterKey {
        let bytes = try readKeyFile(path: path, allowInsecure: allowInsecure)
        do {
            return try MasterKey(text: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw ConfigError(file: path, line: 1, column: 1, message: error.message)
        }
    }

    /// Reads keys.json: `{"wr-000042": "<base64url key>", ...}` with 16- or
    /// 32-byte keys. Parsed with jansson; duplicate device ids are refused.
    public static func loadKeys(path: String, allowInsecure: Bool) throws -> [String: DeviceKey] {
        let bytes = try readKeyFile(path: path, allowInsecure: allowInsecure)
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(bytes, source: path)
        } catch {
            throw ConfigError(file: path, line: error.line, column: error.column, message: redacted(error.message))
        }
        guard document.kind == .object else {
            throw ConfigError(file: path, line: 1, column: 1,
                              message: "expected a JSON object mapping device ids to base64url keys")
        }
        var keys: [String: DeviceKey] = [:]
        for (device, value) in document.members {
            let (line, column) = position(ofMember: device, in: bytes)
            func invalid(_ message: String) -> ConfigError {
                ConfigError(file: path, line: line, column: column, message: message)
            }
            guard !device.isEmpty, device.utf8.count <= maxDeviceIDBytes else {
                throw invalid("a device id must be 1 to \(maxDeviceIDBytes) bytes long")
            }
            guard let text = value.stringValue else {
                throw invalid("the key of device \"\(device)\" must be a base64url string")
            }
            do {
                keys[device] = try DeviceKey(base64URL: text)
            } catch {
                throw invalid("the key of device \"\(device)\" is not usable: \(error.message)")
            }
        }
        return keys
    }

    /// jansson's messages may quote the text near the error ("near '...'"),
    /// which in a key file can be key material: keep only what went wrong.
    static func redacted(_ message: String) -> String {
        guard let range = message.range(of: " near ") else { return message }
        return String(message[..<range.lowerBound])
    }

    /// 1-based line and column of the first `"name"` in `text`, or 1:1.
    static func position(ofMember name: String, in text: [UInt8]) -> (line: Int, column: Int) {
        let needle = ByteBuffer.jsonString(name)
        guard !needle.isEmpty, text.count >= needle.count else { return (1, 1) }
        var line = 1
        var lineStart = 0
        for start in 0...(text.count - needle.count) {
            if text[start] == UInt8(ascii: "\n") {
                line += 1
                lineStart = start + 1
            }
            if text[start] == needle[0], text[start..<(start + needle.count)].elementsEqual(needle) {
                return (line, start - lineStart + 1)
            }
        }
        return (1, 1)
    }
}
