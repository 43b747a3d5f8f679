import Glibc
import WearCore
import WearJOSE

/// `wear keys`: make a master key, derive device keys from it, export keys.json,
/// or make explicit random device keys (A128GCM devices need them).
/// Key material is only ever written to files of mode 0600 or to stdout on
/// request; it never appears in errors.
public enum KeyTool {
    /// Writes a new random master key (64 hex digits and a newline) to a new
    /// file of mode 0600; an existing file is refused.
    public static func newMasterKey(path: String) throws(StageFailure) {
        try checkTarget(path, overwrite: false, hint: "choose another path: a master key is never replaced")
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

    /// Refuses an output path that is a directory, or an existing file
    /// unless `overwrite`, saying what to do (`hint`). The write itself
    /// still refuses an existing file atomically (O_EXCL).
    static func checkTarget(_ path: String, overwrite: Bool, hint: String) throws(StageFailure) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw StageFailure(status: .usage, message: "\(path) is a directory: give the path of a file to write")
        }
        if !overwrite {
            throw StageFailure(status: .ioError, message: "refusing to overwrite \(path): the file exists; \(hint)")
        }
    }

    /// Refuses a device id no stage would accept: empty, over 256 bytes,
    /// or with spaces or control characters (as `DeviceList` does).
    public static func checkDeviceID(_ id: String) throws(StageFailure) {
        guard let problem = DeviceList.problem(with: id) else { return }
        throw StageFailure(status: .usage, message: "device id \(id.isEmpty ? "\"\"" : "'\(id)'"): \(problem)")
    }

    /// What to tell an operator who asks for A128GCM keys from the master key.
    public static let a128gcmNeedsExplicitKeys = "A128GCM keys cannot be derived from the master key: HKDF gives 32-byte "
        + "keys, which open only A256GCM (keys are never truncated). Give A128GCM devices explicit 16-byte keys: "
        + "`wear keys new --enc A128GCM --devices FILE --out keys128.json`, then pass that file with --keys"

    /// Checks that `enc` can use keys derived from the master key (only A256GCM can).
    public static func requireDerivable(_ enc: ContentEncryption) throws(StageFailure) {
        guard enc.keyByteCount == MasterKey.byteCount else {
            throw StageFailure(status: .usage, message: a128gcmNeedsExplicitKeys)
        }
    }

    /// Writes `DEV<TAB>KEY` lines (32-byte A256GCM keys, base64url) to `fd`
    /// (stdout). A reader that goes away (`| head -1`) ends it quietly with
    /// 74, as the stages do, instead of SIGPIPE (141).
    public static func printDerived(master: MasterKey, devices: [String],
                                    to fd: Int32 = STDOUT_FILENO) throws(StageFailure) {
        signal(SIGPIPE, SIG_IGN)
        let writer = FileDescriptorWriter(fd: fd)
        do throws(WriteFailure) {
            for device in devices {
                try writer.appendLine(Array("\(device)\t\(master.deviceKey(for: device).base64URL)".utf8))
            }
            try writer.flush()
        } catch {
            throw error.failure
        }
    }

    /// keys.json of derived keys: device id -> base64url key, in the given order.
    public static func keysDocument(master: MasterKey, devices: [String]) -> JSONDocument {
        keysDocument(devices.map { ($0, master.deviceKey(for: $0)) })
    }

    /// keys.json of new random keys of the length `enc` needs (16 bytes for
    /// A128GCM): explicit keys, unrelated to any master key.
    public static func randomKeysDocument(devices: [String], enc: ContentEncryption) -> JSONDocument {
        keysDocument(devices.map { ($0, DeviceKey.generate(enc)) })
    }

    private static func keysDocument(_ keys: [(String, DeviceKey)]) -> JSONDocument {
        let object = JSONDocument.object()
        for (device, key) in keys {
            object.set(device, key.base64URL)
        }
        return object
    }

    /// Writes keys.json with mode 0600 (refusing an existing file unless `overwrite`).
    public static func writeKeys(_ document: JSONDocument, to path: String, overwrite: Bool) throws(StageFailure) {
        try checkTarget(path, overwrite: overwrite, hint: "pass --force to replace it")
        try KeyFiles.writePrivate(Array((document.dumpedPretty() + "\n").utf8), to: path, overwrite: overwrite)
    }

    /// The simulator's fleet ids `wr-000001` ... `wr-N`.
    public static func fleet(_ count: Int) -> [String] {
        (0..<max(0, count)).map { TelemetryFormatter.deviceID($0 + 1) }
    }
}
