import ArgumentParser
import WearCLI
import WearCore
import WearDecrypt
import WearJOSE

@main
struct WearDecryptCommand: ParsableCommand, CheckedArguments {
    static func main() { wearMain() }

    static let configuration = CommandConfiguration(
        commandName: "wear-decrypt",
        abstract: "Authenticate and decrypt JWE telemetry envelopes.",
        discussion: """
            Reads one envelope per line, {"jwe":"<compact JWE>",...} or a bare compact
            token, from standard input (or --input). Tokens are JWE (RFC 7516) with
            alg "dir", enc A256GCM or A128GCM and kid = the device id; the protected
            header may hold nothing else. Each device's key comes from --keys, or is
            derived from --master-key (HKDF-SHA256, salt "wear-telemetry-v1", info =
            the device id).

            Writes the authenticated plaintext object, whose "dev" must equal the
            kid, with "rx" (the envelope's numeric rx, else now, in ms since the
            epoch), "sz" (the envelope's size in bytes) and "meta" (the envelope's
            other members, which are not authenticated) appended. Plaintext members
            always win over these. Anything else is rejected with a stable reason:
            bad_json, bad_jwe, unsupported_alg, unsupported_enc, unsupported_header,
            unknown_kid, key_length_mismatch, auth_failed, bad_plaintext,
            dev_mismatch, line_too_long, ... (see --rejects and docs/wear-decrypt.md).

            A device's key fixes its algorithm, never the token's header: a 32-byte
            key (from --keys, or derived from --master-key) opens only A256GCM, a
            16-byte key from --keys only A128GCM; anything else is
            key_length_mismatch. Keys are never truncated or padded.

            Two caches keep a fleet fast: AES-GCM contexts for the devices seen most
            recently (--context-cache-size) and derived keys for many more
            (--key-cache-size); HKDF is what a miss costs. A notice on stderr says
            which one to raise when one keeps missing.

            Key files must be readable by their owner only (chmod 600), as ssh
            requires. SIGHUP reloads them; if the new files are invalid, the old
            keys stay in use.

            Behind nginx (one process per connection, systemd Accept=yes, the socket
            on stdin), --proxy-protocol reads the PROXY protocol header nginx's
            `proxy_protocol on` sends (v1 text; v2 binary is read too) before any
            record, and writes the client's address into every record as meta.src
            (and the port as meta.src_port). The header wins: an envelope's own src
            or src_port is dropped, and a plaintext with its own "meta" is rejected
            (plaintext_meta). A LOCAL or UNKNOWN header gives no src. A missing,
            malformed or late (--proxy-header-timeout) header refuses the
            connection: one error line saying what was wrong, exit 76, nothing read
            as records.

            Exit status: 0 ok, 64 bad usage, 66 input or key file missing,
            74 I/O error or closed output, 76 PROXY protocol header missing or
            malformed (--proxy-protocol), 78 invalid key file.

            Examples:
              wear-decrypt --master-key /etc/wear/master.key < envelopes.ndjson
              wear sim --devices 100 --duration 1m --master-key master.key \\
                | wear-decrypt --master-key master.key --rejects decrypt.rejects
              wear-decrypt --keys keys.json --master-key master.key \\
                --atomic-lines --input /run/wear/in.fifo >> /run/wear/out.fifo
              # one connection behind nginx (systemd-socket-activate --inetd, Accept=yes)
              wear-decrypt --proxy-protocol --master-key master.key --atomic-lines \\
                >> /run/wear/decrypted.fifo
              # a reproducible replay: rx from the capture, else this fixed time
              wear-decrypt --keys keys.json --default-rx 1763700000000 < capture.ndjson
            """,
        version: WearVersion.line(program: "wear-decrypt")
    )

    @OptionGroup var common: CommonOptions

    @OptionGroup var keyFiles: KeyFileOptions

    @Option(name: .long, help: ArgumentHelp("How many devices' checked headers and AES-GCM contexts to keep ready (~1.4 KiB each).", valueName: "count"))
    var contextCacheSize = JWEDecryptor.defaultContextCapacity

    @Option(name: .long, help: ArgumentHelp("How many devices' keys derived from --master-key to keep (~110 bytes each).", valueName: "count"))
    var keyCacheSize = JWEDecryptor.defaultKeyCapacity

    @Option(name: .long, help: ArgumentHelp("rx (ms since the epoch) for envelopes without a numeric rx, instead of now.", valueName: "ms"))
    var defaultRx: Int64?

    @Flag(name: .long, help: "Standard input is a connection that starts with a PROXY protocol header (v1 or v2, as nginx's proxy_protocol sends): record its client address as meta.src; refuse the connection (exit 76) if the header is missing or malformed.")
    var proxyProtocol = false

    @Option(name: .long, parsing: .unconditional,
            help: .quantity("How long the PROXY protocol header may take to arrive.", valueName: "duration",
                            default: DurationOption(.seconds(5))),
            transform: DurationOption.parse)
    var proxyHeaderTimeout = DurationOption(.seconds(5))

    func check() throws {
        guard keyFiles.keys != nil || keyFiles.masterKey != nil else {
            throw ValidationError("give --keys FILE, --master-key FILE, or both")
        }
        guard contextCacheSize >= 2, contextCacheSize <= 10_000_000 else {
            throw ValidationError("--context-cache-size must be between 2 and 10000000, found \(contextCacheSize)")
        }
        guard keyCacheSize >= 2, keyCacheSize <= 100_000_000 else {
            throw ValidationError("--key-cache-size must be between 2 and 100000000, found \(keyCacheSize)")
        }
        if proxyProtocol, let input = common.input, input != "-" {
            throw ValidationError("--proxy-protocol reads the header from standard input (the connection); it cannot be used with --input")
        }
        guard proxyHeaderTimeout.duration >= .milliseconds(10) else {
            throw ValidationError("--proxy-header-timeout must be at least 10ms")
        }
    }

    func run() throws {
        var configuration = DecryptConfiguration(keysPath: keyFiles.keys, masterKeyPath: keyFiles.masterKey)
        configuration.allowInsecureKeyFile = keyFiles.allowInsecureKeyFile
        configuration.contextCacheSize = contextCacheSize
        configuration.keyCacheSize = keyCacheSize
        configuration.fixedNow = defaultRx
        configuration.maxPlaintextBytes = common.maxLineBytes.bytes
        configuration.proxyProtocol = proxyProtocol
        configuration.proxyHeaderTimeout = proxyHeaderTimeout.duration
        StageMain.run(common) { logger in try DecryptStage.forInput(configuration: configuration, logger: logger) }
    }
}
