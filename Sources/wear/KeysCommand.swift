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
            info = the device id): 32 bytes (A256GCM) or their first 16
            (A128GCM), as wear-decrypt derives them.

            Examples:
              wear keys new --out master.key
              wear keys derive --master-key master.key wr-000042 wr-000043
              wear keys export --master-key master.key --fleet 1000 --out keys.json
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

    @Option(help: ArgumentHelp("A256GCM (32-byte keys) or A128GCM (16-byte keys).", valueName: "enc"))
    var enc = "A256GCM"

    func encryption() throws -> ContentEncryption {
        guard let value = ContentEncryption(rawValue: enc.uppercased()) else {
            throw ValidationError("--enc must be A256GCM or A128GCM, found '\(enc)'")
        }
        return value
    }

    func load() -> MasterKey {
        do {
            return try KeyTool.loadMaster(path: masterKey, allowInsecure: allowInsecureKeyFile)
        } catch {
            exitWith(error, command: "keys")
        }
    }
}

extension KeysCommand {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new random 32-byte master key (hex) to a new file of mode 0600.",
            discussion: "An existing file is never overwritten.\n\nExample:\n  wear keys new --out master.key"
        )

        @Option(help: ArgumentHelp("Where to write the key; must not exist.", valueName: "file"))
        var out: String

        func run() throws {
            do {
                try KeyTool.newMasterKey(path: out)
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
        }

        func run() throws {
            let enc = try master.encryption()
            do {
                try KeyTool.printDerived(master: master.load(), devices: devices, enc: enc)
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
        }

        func run() throws {
            let enc = try master.encryption()
            do {
                var ids = KeyTool.fleet(fleet ?? 0)
                if let devices {
                    let listed = try DeviceList.load(path: devices)
                    let known = Set(ids)
                    ids += listed.filter { !known.contains($0) }
                }
                guard !ids.isEmpty else {
                    throw StageFailure(status: .usage, message: "no devices to export: give --fleet N or a --devices file that lists some")
                }
                try KeyTool.writeKeys(KeyTool.keysDocument(master: master.load(), devices: ids, enc: enc), to: out, overwrite: force)
            } catch {
                exitWith(error, command: "keys export")
            }
        }
    }
}
