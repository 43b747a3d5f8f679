import ArgumentParser
import WearCLI
import WearCore
import WearJOSE
import WearTools

struct SealCommand: ParsableCommand, CheckedArguments {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Seal plaintext telemetry into JWE envelopes, as a device or gateway does.",
        discussion: """
            Each input record (a JSON object with a string "dev") becomes one line
            {"jwe":"<compact JWE>"}: alg dir, enc A256GCM (or A128GCM), kid = dev, a
            random IV, the record's bytes exactly as read as plaintext. Keys come from
            --master-key (derived per device, as wear-decrypt derives them) or --keys
            (keys.json; a 16-byte key seals A128GCM, a 32-byte key A256GCM). Records
            without "dev", or whose device has no key, are rejected (missing_dev,
            bad_dev, unknown_device; see --rejects).

            Examples:
              wear sim --plain --devices 10 | wear seal --master-key master.key
              echo '{"dev":"wr-000042","seq":1,"ts":1763700000123}' \\
                | wear seal --keys keys.json
            """
    )

    @OptionGroup var keyFiles: KeyFileOptions

    @Option(help: ArgumentHelp("A256GCM or A128GCM, for keys derived from --master-key.", valueName: "enc"))
    var enc = "A256GCM"

    @OptionGroup var common: CommonOptions

    func check() throws {
        guard (keyFiles.masterKey == nil) != (keyFiles.keys == nil) else {
            throw ValidationError("give exactly one of --master-key FILE and --keys FILE")
        }
        guard ContentEncryption(rawValue: enc.uppercased()) != nil else {
            throw ValidationError("--enc must be A256GCM or A128GCM, found '\(enc)'")
        }
    }

    func run() throws {
        StageMain.run(common) { _ in
            if let keys = keyFiles.keys {
                return SealStage(keys: .table(try KeyFiles.loadKeys(path: keys, allowInsecure: keyFiles.allowInsecureKeyFile)))
            }
            let master = try KeyFiles.loadMasterKey(path: keyFiles.masterKey ?? "", allowInsecure: keyFiles.allowInsecureKeyFile)
            return SealStage(keys: .master(master, ContentEncryption(rawValue: enc.uppercased()) ?? .a256gcm))
        }
    }
}
