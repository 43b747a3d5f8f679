import ArgumentParser
import WearCLI
import WearCore
import WearJOSE
import WearTools

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make the fleet's master key and derive device keys from it.",
        discussion: """
            Device keys are HKDF-SHA256(master, salt "wear-telemetry-v1",
            info = the device id), 32 bytes, as wear-decrypt derives them. A key's
            length fixes its algorithm: 32 bytes open only A256GCM. Devices on
            A128GCM need explicit, random 16-byte keys (never a cut derived key):
            `wear keys new --enc A128GCM` writes them to a keys.json for --keys.

            Examples:
              wear keys new --out master.key
              wear keys derive --master-key master.key wr-000042 wr-000043
              wear keys export --master-key master.key --fleet 1000 --out keys.json
              wear keys new --enc A128GCM --fleet 10 --out keys128.json
            """,
        subcommands: [New.self, Derive.self, Export.self]
    )
}

/// Options shared by the subcommands that read a master key.
struct MasterKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The master key file (64 hex digits or base64, mode 0600).", valueName: "file"))
    var masterKey: String

    @Flag(help: "Accept a master key file that group or others can read.")
    var allowInsecureKeyFile = false

    @Option(help: ArgumentHelp("A256GCM, the only algorithm derived (32-byte) keys open; A128GCM devices need `wear keys new --enc A128GCM`.", valueName: "enc"))
    var enc = "A256GCM"

    /// Refuses A128GCM: derived keys are 32 bytes and open A256GCM only.
    func validateEncryption() throws {
        let value = try parseEncryption(enc)
        do {
            try KeyTool.requireDerivable(value)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func load() -> MasterKey {
        do {
            return try KeyTool.loadMaster(path: masterKey, allowInsecure: allowInsecureKeyFile)
        } catch {
            exitWith(error, command: "keys")
        }
    }
}

/// `--enc` text as an algorithm.
func parseEncryption(_ text: String) throws -> ContentEncryption {
    guard let value = ContentEncryption(rawValue: text.uppercased()) else {
        throw ValidationError("--enc must be A256GCM or A128GCM, found '\(text)'")
    }
    return value
}

/// The fleet's ids, then those listed in `devices` that are not in it.
func deviceIDs(fleet: Int?, devices: String?) throws(StageFailure) -> [String] {
    var ids = KeyTool.fleet(fleet ?? 0)
    if let devices {
        let listed = try DeviceList.load(path: devices)
        let known = Set(ids)
        ids += listed.filter { !known.contains($0) }
    }
    guard !ids.isEmpty else {
        throw StageFailure(status: .usage, message: "no devices: give --fleet N or a --devices file that lists some")
    }
    return ids
}

extension KeysCommand {
    struct New: ParsableCommand, CheckedArguments {
        static let configuration = CommandConfiguration(
            abstract: "Write a new random master key, or new random device keys for --keys.",
            discussion: """
                Without --enc: a 32-byte master key (hex) in a new file of mode 0600;
                an existing file is never overwritten.

                With --enc and --devices FILE and/or --fleet N: keys.json (device id ->
                base64url key, mode 0600) with a new random key per device, of the
                length the algorithm needs: 16 bytes for A128GCM, 32 for A256GCM. Such
                explicit keys are how A128GCM devices are provisioned (derived keys
                are 32 bytes and open only A256GCM); give the file to wear-decrypt,
                wear seal and wear sim with --keys.

                Examples:
                  wear keys new --out master.key
                  wear keys new --enc A128GCM --fleet 10 --out keys128.json
                  wear keys new --enc A128GCM --devices legacy.txt --out keys128.json --force
                """
        )

        @Option(help: ArgumentHelp("Where to write the key or keys.json; must not exist unless --force.", valueName: "file"))
        var out: String

        @Option(help: ArgumentHelp("Write random device keys for A128GCM (16 bytes) or A256GCM (32 bytes) instead of a master key.", valueName: "enc"))
        var enc: String?

        @Option(help: ArgumentHelp("With --enc: device ids, one per line.", valueName: "file"))
        var devices: String?

        @Option(parsing: .unconditional, help: ArgumentHelp("With --enc: the simulator's fleet wr-000001 ... wr-N.", valueName: "n"))
        var fleet: Int?

        @Flag(help: "With --enc: replace an existing keys.json (atomically).")
        var force = false

        func check() throws {
            guard let enc else {
                guard devices == nil, fleet == nil, !force else {
                    throw ValidationError("--devices, --fleet and --force make device keys: give --enc A128GCM (or A256GCM) too")
                }
                return
            }
            _ = try parseEncryption(enc)
            guard devices != nil || fleet != nil else {
                throw ValidationError("--enc makes device keys: give --devices FILE or --fleet N")
            }
            if let fleet, fleet < 1 || fleet > 9_999_999 { throw ValidationError("--fleet must be 1 to 9999999, found \(fleet)") }
        }

        func run() throws {
            let encryption = try enc.map(parseEncryption)
            do {
                guard let encryption else {
                    try KeyTool.newMasterKey(path: out)
                    return
                }
                let ids = try deviceIDs(fleet: fleet, devices: devices)
                try KeyTool.writeKeys(KeyTool.randomKeysDocument(devices: ids, enc: encryption), to: out, overwrite: force)
            } catch {
                exitWith(error, command: "keys new")
            }
        }
    }

    struct Derive: ParsableCommand, CheckedArguments {
        static let configuration = CommandConfiguration(
            abstract: "Print device keys for provisioning: one 'DEVICE<TAB>KEY' line each, key in base64url.",
            discussion: "Example:\n  wear keys derive --master-key master.key wr-000042 | cut -f2"
        )

        @OptionGroup var master: MasterKeyOptions

        @Argument(help: ArgumentHelp("Device ids.", valueName: "device"))
        var devices: [String]

        func check() throws {
            guard !devices.isEmpty else { throw ValidationError("name at least one device id") }
            for device in devices {
                if let problem = DeviceList.problem(with: device) {
                    throw ValidationError("device id \(device.isEmpty ? "\"\"" : "'\(device)'"): \(problem)")
                }
            }
            try master.validateEncryption()
        }

        func run() throws {
            do {
                try KeyTool.printDerived(master: master.load(), devices: devices)
            } catch {
                exitWith(error, command: "keys derive")
            }
        }
    }

    struct Export: ParsableCommand, CheckedArguments {
        static let configuration = CommandConfiguration(
            abstract: "Write keys.json (device id -> base64url key, mode 0600) for wear-decrypt --keys.",
            discussion: """
                Devices come from --devices FILE (one id per line, # comments) and/or
                --fleet N (the simulator's wr-000001 ... wr-N).

                Examples:
                  wear keys export --master-key master.key --devices devices.txt \\
                    --out keys.json
                  wear keys export --master-key master.key --fleet 1000 \\
                    --out keys.json --force
                """
        )

        @OptionGroup var master: MasterKeyOptions

        @Option(help: ArgumentHelp("Device ids, one per line.", valueName: "file"))
        var devices: String?

        @Option(parsing: .unconditional, help: ArgumentHelp("Include the simulator's fleet wr-000001 ... wr-N.", valueName: "n"))
        var fleet: Int?

        @Option(help: ArgumentHelp("Where to write keys.json.", valueName: "file"))
        var out: String

        @Flag(help: "Replace an existing file (atomically).")
        var force = false

        func check() throws {
            guard devices != nil || fleet != nil else { throw ValidationError("give --devices FILE or --fleet N") }
            if let fleet, fleet < 1 || fleet > 9_999_999 { throw ValidationError("--fleet must be 1 to 9999999, found \(fleet)") }
            try master.validateEncryption()
        }

        func run() throws {
            do {
                let ids = try deviceIDs(fleet: fleet, devices: devices)
                try KeyTool.writeKeys(KeyTool.keysDocument(master: master.load(), devices: ids), to: out, overwrite: force)
            } catch {
                exitWith(error, command: "keys export")
            }
        }
    }
}
