import Glibc
import WearCore
import WearJOSE

/// `wear keys`: make a master key, derive device keys from it, export keys.json.
/// Key material is only ever written to files of mode 0600 or to stdout on
/// request; it never appears in errors.
public enum KeyTool {
    /// Writes a new random master key (64 hex digits and a newline) to a new
    /// file of mode 0600; an existing file is refused.
    public static func newMasterKey(path: String) throws(StageFailure) {
        let key = MasterKey.generate()
        try KeyFiles.writePrivate(Array((key.hexText + "\n").utf8), to: path, overwrite: false)
    }

    /// Loads a master key file (refusing one others can read unless `allowInsecure`).
    public static func loadMaster(path: String, allowInsecure: Bool) throws(StageFailure) -> MasterKey {
        do {
            return try KeyFiles.loadMasterKey(path: path, allowInsecure: allowInsecure)
        } catch let failure as StageFailure {
            throw failure
        } catch let error as ConfigError {
            throw error.failure
        } catch {
            throw StageFailure(status: .config, message: "\(path): \(error)")
        }
    }

    /// `DEV<TAB>KEY` lines, one per device, keys in base64url.
    public static func deriveLines(master: MasterKey, devices: [String], enc: ContentEncryption) -> String {
        devices.map { "\($0)\t\(master.deviceKey(for: $0, enc: enc).base64URL)\n" }.joined()
    }

    /// keys.json: a JSON object from device id to base64url key, in the given order.
    public static func keysDocument(master: MasterKey, devices: [String], enc: ContentEncryption) -> JSONDocument {
        let object = JSONDocument.object()
        for device in devices {
            object.set(device, master.deviceKey(for: device, enc: enc).base64URL)
        }
        return object
    }

    /// Writes keys.json with mode 0600 (refusing an existing file unless `overwrite`).
    public static func writeKeys(_ document: JSONDocument, to path: String, overwrite: Bool) throws(StageFailure) {
        try KeyFiles.writePrivate(Array((document.dumpedPretty() + "\n").utf8), to: path, overwrite: overwrite)
    }

    /// The simulator's fleet ids `wr-000001` ... `wr-N`.
    public static func fleet(_ count: Int) -> [String] {
        (0..<max(0, count)).map { TelemetryFormatter.deviceID($0 + 1) }
    }
}
